package decode

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/datasets"
	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// corpusKinds are the dataset folders that hold audit logs this receiver reads.
var corpusKinds = []string{"aws-cloudtrail", "aws-eventbridge", "gcp-audit", "azure-activity"}

// corpusExceptions lists files (kind/file) allowed to have rejected records, with why.
// Everything else in the corpus is a valid audit log and must decode without a rejection.
var corpusExceptions = map[string]string{
	// Not audit events at all.
	"aws-eventbridge/cloud-custodian/event-config-rule-instance.json":       "AWS Config rule invocation payload, not an event",
	"gcp-audit/cloud-custodian/network-finding.json":                        "Security Command Center finding, not a LogEntry",
	"aws-cloudtrail/panther-analysis/aws_cloudtrail_log_validation.ndjson":  "trail resource snapshots (Panther policy input), not events",
	"aws-cloudtrail/panther-analysis/aws_cloudtrail_cloudwatch_logs.ndjson": "trail resource snapshots (Panther policy input), not events",
	// Test fixtures that are not the documented event shape.
	"aws-cloudtrail/panther-analysis/aws_ipset_modified.ndjson":            "Panther-normalised fixtures with lower-cased keys (eventname, eventsource)",
	"aws-cloudtrail/panther-analysis/aws_ec2_startup_script_change.ndjson": "Panther-normalised fixtures with lower-cased keys (eventname, eventsource)",
	"gcp-audit/panther-analysis/gcp_firewall_rule_created.ndjson":          "lines 3-4 are fragments ({\"methodName\":...}) of rule tests",
	"gcp-audit/panther-analysis/gcp_firewall_rule_deleted.ndjson":          "lines 3-4 are fragments ({\"methodName\":...}) of rule tests",
	"gcp-audit/panther-analysis/gcp_k8s_ioc_activity.ndjson":               "fragments ({\"operation\":{\"producer\":\"k8s.io\"}}) of rule tests",
}

// datasetsDir is the shared datasets directory; the test skips where it is absent.
func datasetsDir(t *testing.T) string { return datasets.Dir(t) }

// corpusFile is one decoded dataset file (or zip member).
type corpusFile struct {
	name    string // relative to the kind folder; "a.zip!member" for zip members
	res     Result
	bad     []BadRecord
	records []plog.LogRecord
}

func decodeCorpus(t *testing.T, kindDir string) map[string]*corpusFile {
	t.Helper()
	d, err := New(Config{})
	require.NoError(t, err)
	files := map[string]*corpusFile{}
	decodeOne := func(name string, data []byte) {
		f := &corpusFile{name: name}
		out := plog.NewLogs()
		f.res = d.Decode(data, name, 1, out, func(b BadRecord) { f.bad = append(f.bad, b) })
		for i := 0; i < out.ResourceLogs().Len(); i++ {
			sls := out.ResourceLogs().At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					f.records = append(f.records, lrs.At(k))
				}
			}
		}
		files[name] = f
	}
	datasets.EachFile(t, kindDir, decodeOne)
	return files
}

func TestCorpus(t *testing.T) {
	root := datasetsDir(t)
	for _, kind := range corpusKinds {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(root, kind)
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("%s absent", kind)
			}
			files := decodeCorpus(t, dir)
			names := make([]string, 0, len(files))
			for n := range files {
				names = append(names, n)
			}
			sort.Strings(names)
			total := Result{}
			for _, n := range names {
				f := files[n]
				total.Emitted += f.res.Emitted
				total.Skipped += f.res.Skipped
				total.Rejected += f.res.Rejected
				assert.Equal(t, f.res.Rejected, len(f.bad), "%s: every rejection reported", n)
				if why, ok := corpusExceptions[kind+"/"+n]; ok {
					if f.res.Rejected == 0 {
						t.Errorf("%s: listed as exception (%s) but decodes cleanly now; remove it", n, why)
					}
					continue
				}
				for _, b := range f.bad {
					t.Errorf("%s %s: rejected %s: %v", n, b.Position, b.Reason, b.Err)
				}
				if f.res.Emitted+f.res.Skipped == 0 {
					t.Errorf("%s: nothing decoded", n)
				}
			}
			t.Logf("%s: %d files, %+v", kind, len(files), total)
			if !decoderIsReal(t, kind) {
				t.Logf("%s: the decoder is still a stub; label assertions skipped", kind)
				return
			}
			checkExposureLabels(t, files, datasets.Labels(t, filepath.Join(dir, "labels.csv")))
		})
	}
}

// checkExposureLabels asserts that every record labelled expected_exposure_flag=true
// carries a normalised ingress allow rule from any source.
func checkExposureLabels(t *testing.T, files map[string]*corpusFile, labels []datasets.Label) {
	checked := 0
	defer func() { t.Logf("%d exposure labels checked", checked) }()
	for _, l := range labels {
		if !l.Exposure {
			continue
		}
		checked++
		f := files[l.File]
		if !assert.NotNil(t, f, "labelled file %s decoded", l.File) {
			continue
		}
		rec, ok := findRecord(f, l)
		if !assert.True(t, ok, "%s: record %d (id %s) emitted", l.File, l.Index, l.ID) {
			continue
		}
		assert.True(t, hasAnySourceIngressAllow(rec.Attributes()), "%s record %d (id %s): want an ingress allow rule from any source in %s, got %v",
			l.File, l.Index, l.ID, schema.AttrRules, rec.Attributes().AsRaw())
	}
}

func findRecord(f *corpusFile, l datasets.Label) (plog.LogRecord, bool) {
	if l.ID != "" {
		for _, r := range f.records {
			if v, ok := r.Attributes().Get(schema.AttrEventID); ok && v.Str() == l.ID {
				return r, true
			}
		}
	}
	// Without an id, fall back to the position, valid when nothing before it was skipped.
	if l.Index >= 0 && l.Index < len(f.records) && f.res.Skipped == 0 && f.res.Rejected == 0 {
		return f.records[l.Index], true
	}
	return plog.LogRecord{}, false
}

var anySource = map[string]bool{"*": true, "any": true, "internet": true}

func hasAnySourceIngressAllow(attrs pcommon.Map) bool {
	rules, ok := attrs.Get(schema.AttrRules)
	if !ok || rules.Type() != pcommon.ValueTypeSlice {
		return false
	}
	for i := 0; i < rules.Slice().Len(); i++ {
		r := rules.Slice().At(i).Map()
		dir, _ := r.Get(schema.RuleDirection)
		act, _ := r.Get(schema.RuleAction)
		if dir.Str() != schema.DirectionIngress || act.Str() != schema.ActionAllow {
			continue
		}
		src, ok := r.Get(schema.RuleSources)
		if !ok || src.Type() != pcommon.ValueTypeSlice {
			continue
		}
		for j := 0; j < src.Slice().Len(); j++ {
			s := src.Slice().At(j).Str()
			if strings.HasSuffix(s, "/0") || anySource[strings.ToLower(s)] {
				return true
			}
		}
	}
	return false
}

// decoderIsReal tells whether the decoder behind a dataset kind does its job yet, by
// decoding one known event of that cloud (a stub skips everything).
func decoderIsReal(t *testing.T, kind string) bool {
	known := map[string]string{
		"aws-cloudtrail":  ctEvent("AuthorizeSecurityGroupIngress", "k1", "111111111111", "us-east-1"),
		"aws-eventbridge": `{"version":"0","id":"k1","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"111111111111","time":"2024-03-01T12:00:00Z","region":"us-east-1","resources":[],"detail":` + ctEvent("RunInstances", "k1", "111111111111", "us-east-1") + `}`,
		"gcp-audit":       `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","status":{},"authenticationInfo":{"principalEmail":"a@example.com"},"serviceName":"compute.googleapis.com","methodName":"v1.compute.instances.insert","resourceName":"projects/p/zones/z/instances/i"},"insertId":"k1","resource":{"type":"gce_instance","labels":{"project_id":"p"}},"timestamp":"2024-03-01T12:00:00Z","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity"}`,
		"azure-activity":  `{"records":[{"time":"2024-03-01T12:00:00Z","resourceId":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/VM1","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE","category":"Administrative","resultType":"Success","callerIpAddress":"198.51.100.1","correlationId":"k1","identity":{},"level":"Information","properties":{}}]}`,
	}[kind]
	d, err := New(Config{})
	require.NoError(t, err)
	return d.Decode([]byte(known), "known", 1, plog.NewLogs(), nil).Emitted == 1
}
