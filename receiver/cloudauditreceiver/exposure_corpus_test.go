package cloudauditreceiver

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/cloudwarden/cloudwarden/internal/datasets"
	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

// TestExposureCorpus runs the development datasets through the real decoder and the real
// clouddetect processor (exposure detector only) and checks every labelled audit record:
// expected_exposure_flag=true must be flagged above info, false must not be.
// Config-snapshot kinds are resources, not audit events, and are covered by the decoders'
// own snapshot tests.
func TestExposureCorpus(t *testing.T) {
	root := datasets.Dir(t)
	for _, kind := range []string{"aws-cloudtrail", "aws-eventbridge", "gcp-audit", "azure-activity"} {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(root, kind)
			records := decodeKind(t, dir)
			detect(t, records)
			labels := datasets.Labels(t, filepath.Join(dir, "labels.csv"))
			var pos, neg, missing int
			for _, l := range labels {
				rec, ok := records.find(l)
				if !ok {
					// Records the decoders do not emit (non-events, fixtures without the
					// fields an audit event has) cannot be flagged; a true label must exist.
					require.False(t, l.Exposure, "%s[%d] (id %s) labelled as exposure but not decoded", l.File, l.Index, l.ID)
					missing++
					continue
				}
				sev, uuid := exposureSeverity(rec)
				if l.Exposure {
					pos++
					require.Truef(t, sev > 0, "%s[%d] (id %s) labelled as exposure: got %q %q\nattributes: %v",
						l.File, l.Index, l.ID, uuid, severityNames[sev], rec.Attributes().AsRaw())
				} else {
					neg++
					require.Truef(t, sev <= 0, "%s[%d] (id %s) not an exposure but flagged %s by %s: %v",
						l.File, l.Index, l.ID, severityNames[sev], uuid, reason(rec))
				}
			}
			t.Logf("%s: %d exposure labels flagged, %d non-exposure labels at most info, %d labels not emitted as audit records", kind, pos, neg, missing)
		})
	}
}

var severityNames = map[int]string{-1: "none", 0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}

// exposureSeverity returns the severity rank (-1 none, 0 info … 4 critical) and uuid of
// the exposure finding on rec.
func exposureSeverity(rec plog.LogRecord) (int, string) {
	uuid, ok := rec.Attributes().Get("security_rule.uuid")
	if !ok || !strings.HasPrefix(uuid.Str(), "cloudwarden.exposure.") {
		return -1, ""
	}
	sev, _ := rec.Attributes().Get("detection.severity")
	for rank, name := range severityNames {
		if name == sev.Str() {
			return rank, uuid.Str()
		}
	}
	return -1, uuid.Str()
}

func reason(rec plog.LogRecord) string {
	r, _ := rec.Attributes().Get("detection.reason")
	return r.Str()
}

// corpusRecords holds the decoded records of one dataset kind, by file.
type corpusRecords struct {
	logs   plog.Logs
	byFile map[string][]plog.LogRecord
	clean  map[string]bool // nothing skipped or rejected: positions are record indexes
}

func decodeKind(t *testing.T, dir string) *corpusRecords {
	t.Helper()
	d, err := decode.New(decode.Config{})
	require.NoError(t, err)
	c := &corpusRecords{logs: plog.NewLogs(), byFile: map[string][]plog.LogRecord{}, clean: map[string]bool{}}
	decodeOne := func(name string, data []byte) {
		out := plog.NewLogs()
		res := d.Decode(data, name, 1, out, nil)
		c.clean[name] = res.Skipped == 0 && res.Rejected == 0
		rls := out.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			for j := 0; j < rls.At(i).ScopeLogs().Len(); j++ {
				recs := rls.At(i).ScopeLogs().At(j).LogRecords()
				for k := 0; k < recs.Len(); k++ {
					// keep a handle to each record in file order; the logs are moved into
					// c.logs below without copying, so the handles stay valid
					c.byFile[name] = append(c.byFile[name], recs.At(k))
				}
			}
		}
		rls.MoveAndAppendTo(c.logs.ResourceLogs())
	}
	datasets.EachFile(t, dir, decodeOne)
	return c
}

// detect runs the records through a clouddetect processor with only the exposure
// detector enabled, in place.
func detect(t *testing.T, c *corpusRecords) {
	t.Helper()
	f := clouddetectprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*clouddetectprocessor.Config)
	cfg.Detectors.ErrorRate.Enabled = false
	cfg.Detectors.Saturation.Enabled = false
	cfg.Detectors.ScalingChurn.Enabled = false
	cfg.Detectors.Abuse.Enabled = false
	require.True(t, cfg.Detectors.Exposure.Enabled)
	sink := new(consumertest.LogsSink)
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	require.NoError(t, p.ConsumeLogs(context.Background(), c.logs))
}

// find locates a labelled record by its event id, else by position when nothing in its
// file was skipped or rejected (then positions are record indexes).
func (c *corpusRecords) find(l datasets.Label) (plog.LogRecord, bool) {
	recs := c.byFile[l.File]
	if l.ID != "" {
		for _, r := range recs {
			if v, ok := r.Attributes().Get(schema.AttrEventID); ok && v.Str() == l.ID {
				return r, true
			}
		}
	}
	if l.Index >= 0 && l.Index < len(recs) && c.clean[l.File] {
		return recs[l.Index], true
	}
	return plog.LogRecord{}, false
}
