#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded number of executions each
# (FUZZTIME, default 50000x; a duration such as 10s also works but can trip Go 1.26's
# fuzz-coordinator race golang/go#75804 on a loaded machine).
# `go test -fuzz` takes one target per package per run, hence the loop.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-50000x}
status=0
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "fuzz $pkg $target ($fuzztime)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"; then
      status=1
    fi
  done
done
exit $status
