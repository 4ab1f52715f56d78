# cloudwarden — see README.md.
GO        ?= go
GOBIN     ?= $(shell $(GO) env GOPATH)/bin
BUILDER   ?= $(GOBIN)/builder
BUILDER_VERSION := v0.160.0
DIST_DIR  := build/otelcol-cloudwarden
DIST_BIN  := $(DIST_DIR)/otelcol-cloudwarden
# Execution counts, not durations: a -fuzztime duration races Go 1.26's fuzz coordinator
# (golang/go#75804, a spurious "context deadline exceeded"); a count has no deadline.
FUZZTIME  ?= 50000x
BENCHTIME ?= 1s
BENCHCOUNT ?= 6
NAB_DATA  ?= ../shared/datasets/nab/data
NAB_LABELS ?= ../shared/datasets/nab/labels/combined_windows_dev.json
NABSCORE  ?= ../shared/tools/nabscore

# Every Go source of the module: the distribution is rebuilt when one changes.
SOURCES := $(shell find . -name '*.go' -not -path './build/*' -not -path './bench/*') go.mod go.sum builder-config.yaml

.PHONY: all build run test race fuzz bench lint eval e2e clean

all: lint test

$(BUILDER):
	$(GO) install go.opentelemetry.io/collector/cmd/builder@$(BUILDER_VERSION)

## build: the otelcol-cloudwarden distribution (Collector Builder, ~7 min from a cold cache)
build: $(DIST_BIN)

$(DIST_BIN): $(SOURCES) | $(BUILDER)
	mkdir -p build
	$(BUILDER) --config builder-config.yaml

## run: build if needed, then run the demo pipeline on the bundled samples (Ctrl-C to stop)
run: $(DIST_BIN)
	CLOUDWARDEN_SAMPLES=$(CURDIR)/testdata $(DIST_BIN) --config $(CURDIR)/config/demo.yaml

## test: every unit, component, corpus and scenario test (fuzz seeds included)
test:
	$(GO) test -count=1 ./...

## race: every test under the race detector (and checkptr for the unsafe in pdataslab)
race:
	$(GO) test -race -count=1 ./...

## fuzz: each fuzz target for FUZZTIME executions (bounded; used by CI)
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

## bench: every benchmark, BENCHCOUNT runs each, for benchstat
bench:
	mkdir -p build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./... | tee build/bench.txt

## lint: go vet, gofmt, and golangci-lint when installed
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@if command -v golangci-lint >/dev/null 2>&1; then golangci-lint run ./...; else echo "golangci-lint not installed; go vet and gofmt passed"; fi

## eval: replay the development datasets through the detectors and score them
eval:
	@echo "== exposure (AN1188): labelled audit records through the real decoder and processor"
	$(GO) test -count=1 -run 'TestExposureCorpus' -v ./receiver/cloudauditreceiver/ | grep -E 'labels flagged|^(--- )?(PASS|FAIL)|Error'
	@echo "== saturation anomaly scorer (AN1168) on NAB"
	$(GO) run ./cmd/cloudwarden-eval nab -data $(NAB_DATA) -out $(CURDIR)/results
	cd $(NABSCORE) && $(GO) run . -data $(abspath $(NAB_DATA)) -labels $(abspath $(NAB_LABELS)) -results $(CURDIR)/results -detector cloudwarden

## e2e: build the distribution and run the end-to-end smoke test against the real binary
e2e: $(DIST_BIN)
	OTELCOL_BIN=$(CURDIR)/$(DIST_BIN) $(GO) test -count=1 -tags e2e ./e2e/...

clean:
	rm -rf build results
