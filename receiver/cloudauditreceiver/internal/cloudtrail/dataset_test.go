package cloudtrail

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/datasets"
	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// exposureLabels reads labels.csv: file -> record indexes with expected_exposure_flag=true.
func exposureLabels(t *testing.T, dir string) map[string]map[int]bool {
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	out := map[string]map[int]bool{}
	for _, r := range rows[1:] {
		if len(r) < 3 || r[2] != "true" {
			continue
		}
		i, err := strconv.Atoi(r[1])
		if err != nil {
			continue
		}
		if out[r[0]] == nil {
			out[r[0]] = map[int]bool{}
		}
		out[r[0]][i] = true
	}
	return out
}

// TestDatasetSmoke decodes every bare CloudTrail event of the development dataset
// (single events, JSON arrays, {"Records":[...]}, NDJSON lines, EventBridge
// envelopes) and checks that labelled exposures carry an ingress allow rule from /0.
func TestDatasetSmoke(t *testing.T) {
	dir := datasets.Kind(t, "aws-cloudtrail")
	labels := exposureLabels(t, dir)
	decoded, exposures, untimed := 0, 0, 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		var items [][]byte
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".ndjson", ".log":
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(make([]byte, 1<<20), 16<<20)
			for sc.Scan() {
				items = append(items, append([]byte(nil), sc.Bytes()...))
			}
		case ".json":
			items = [][]byte{data}
		default:
			return nil
		}
		var p fastjson.Parser
		for line, raw := range items {
			if len(bytes.TrimSpace(raw)) == 0 {
				continue
			}
			v, err := p.ParseBytes(raw)
			if err != nil {
				continue // not JSON (a few sources are YAML-extracted text); the envelope layer reports it
			}
			var events []*fastjson.Value
			switch {
			case v.Type() == fastjson.TypeArray:
				events, _ = v.Array()
			case v.Get("Records") != nil:
				events = v.GetArray("Records")
			default:
				events = []*fastjson.Value{v}
			}
			for i, e := range events {
				idx := i
				if len(items) > 1 || strings.HasSuffix(path, ".ndjson") || strings.HasSuffix(path, ".log") {
					idx = line
				}
				ev := event.New()
				switch {
				case Matches(e):
					require.NoError(t, Decode(e, ev), "%s[%d]", rel, idx)
					if e.Get("eventTime") == nil {
						// Hand-trimmed rule fixtures without eventTime, and Logstash output
						// (@timestamp), are emitted: with the shipper's time, else untimed.
						untimed++
						if e.Get("@timestamp") != nil {
							assert.NotZero(t, ev.Record.Timestamp(), "%s[%d] timestamp from @timestamp", rel, idx)
						} else {
							assert.Zero(t, ev.Record.Timestamp(), "%s[%d]", rel, idx)
						}
					}
				case e.Get("detail-type") != nil:
					err := DecodeEventBridge(e, ev)
					if errors.Is(err, event.ErrSkip) {
						continue
					}
					require.NoError(t, err, "%s[%d]", rel, idx)
				default:
					continue
				}
				decoded++
				change, _ := ev.Attrs().Get(schema.AttrRuleChange)
				if !labels[rel][idx] && change.Str() != schema.ChangeRemove && hasAnyIngressAllow(ev) {
					// Informational: failed calls keep their rules; the detector checks outcome.
					outcome, _ := ev.Attrs().Get(schema.AttrOutcome)
					t.Logf("unlabelled ingress-from-/0 rule (outcome %s): %s[%d]", outcome.Str(), rel, idx)
				}
				if labels[rel][idx] {
					exposures++
					assert.True(t, hasAnyIngressAllow(ev), "%s[%d] labelled exposure has no ingress allow from /0", rel, idx)
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("decoded %d events (%d without eventTime), checked %d labelled exposures", decoded, untimed, exposures)
	assert.Positive(t, decoded)
	want := 0
	for _, m := range labels {
		want += len(m)
	}
	assert.Equal(t, want, exposures, "every labelled exposure was decoded")
}

func hasAnyIngressAllow(ev *event.Event) bool {
	rules, ok := ev.Attrs().Get(schema.AttrRules)
	if !ok {
		return false
	}
	s := rules.Slice()
	for i := 0; i < s.Len(); i++ {
		m := s.At(i).Map()
		dir, _ := m.Get(schema.RuleDirection)
		act, _ := m.Get(schema.RuleAction)
		if dir.Str() != schema.DirectionIngress || act.Str() != schema.ActionAllow {
			continue
		}
		src, _ := m.Get(schema.RuleSources)
		for j := 0; j < src.Slice().Len(); j++ {
			if strings.HasSuffix(src.Slice().At(j).Str(), "/0") {
				return true
			}
		}
	}
	return false
}
