package decode

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

func records(out plog.Logs) []plog.LogRecord {
	var recs []plog.LogRecord
	for i := 0; i < out.ResourceLogs().Len(); i++ {
		sls := out.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			for k := 0; k < sls.At(j).LogRecords().Len(); k++ {
				recs = append(recs, sls.At(j).LogRecords().At(k))
			}
		}
	}
	return recs
}

func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// With the real cloudtrail decoder, an attribute and the same value in the body are
// one string (no second copy), and so is the resource's account id.
func TestAttributesShareBodyStrings(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	out := plog.NewLogs()
	res, c := decode(t, d, s3Object(ctEvent("AuthorizeSecurityGroupIngress", "e1", "111111111111", "us-east-1")), out)
	require.Equal(t, Result{Emitted: 1}, res, c.bad)
	r := records(out)[0]
	body := r.Body().Map()
	for attr, key := range map[string]string{
		schema.AttrRPCMethod:     "eventName",
		schema.AttrRPCService:    "eventSource",
		schema.AttrEventID:       "eventID",
		schema.AttrSourceAddress: "sourceIPAddress",
		schema.AttrUserAgent:     "userAgent",
	} {
		a := mustStr(t, r.Attributes(), attr)
		b := mustStr(t, body, key)
		assert.Equal(t, b, a, attr)
		assert.True(t, sameString(a, b), "%s shares the body's string", attr)
	}
	ui, _ := body.Get("userIdentity")
	assert.True(t, sameString(mustStr(t, r.Attributes(), schema.AttrUserID), mustStr(t, ui.Map(), "arn")))
	acct := mustStr(t, out.ResourceLogs().At(0).Resource().Attributes(), schema.AttrCloudAccountID)
	assert.True(t, sameString(acct, mustStr(t, body, "recipientAccountId")))
}

// Escaped strings cannot be substrings of the text; they are still right, in the
// attributes and in the body, in every body mode.
func TestEscapedStrings(t *testing.T) {
	ev := `{"eventVersion":"1.09","eventTime":"2024-03-01T12:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"Describe\u0049nstances",` +
		`"awsRegion":"us-east-1","recipientAccountId":"111111111111","userAgent":"tool \"quoted\" caf\u00e9\\x","eventID":"e\/1","requestParameters":{"k\"ey":"v\nw"}}`
	for _, mode := range []BodyMode{BodyMap, BodyString, BodyNone} {
		t.Run(string(mode), func(t *testing.T) {
			d, err := New(Config{Body: mode})
			require.NoError(t, err)
			out := plog.NewLogs()
			res, c := decode(t, d, s3Object(ev, ev), out)
			require.Equal(t, Result{Emitted: 2}, res, c.bad)
			for _, r := range records(out) {
				assert.Equal(t, "DescribeInstances", mustStr(t, r.Attributes(), schema.AttrRPCMethod))
				assert.Equal(t, `tool "quoted" café\x`, mustStr(t, r.Attributes(), schema.AttrUserAgent))
				assert.Equal(t, "e/1", mustStr(t, r.Attributes(), schema.AttrEventID))
				switch mode {
				case BodyMap:
					assert.Equal(t, `tool "quoted" café\x`, mustStr(t, r.Body().Map(), "userAgent"))
					rp, _ := r.Body().Map().Get("requestParameters")
					assert.Equal(t, map[string]any{`k"ey`: "v\nw"}, rp.Map().AsRaw())
				case BodyString:
					assert.Equal(t, ev, r.Body().Str())
				case BodyNone:
					assert.Equal(t, pcommon.ValueTypeEmpty, r.Body().Type())
				}
			}
		})
	}
}

// Without a body text (body: none) repeated values come from the interner: two
// records share their strings instead of copying each.
func TestBodyNoneInternsRepeatedValues(t *testing.T) {
	d, err := New(Config{Body: BodyNone})
	require.NoError(t, err)
	out := plog.NewLogs()
	res, _ := decode(t, d, s3Object(ctEvent("RunInstances", "e1", "111111111111", "us-east-1"), ctEvent("RunInstances", "e2", "111111111111", "us-east-1")), out)
	require.Equal(t, 2, res.Emitted)
	recs := records(out)
	for _, attr := range []string{schema.AttrRPCMethod, schema.AttrRPCService, schema.AttrUserAgent, schema.AttrUserID, schema.AttrSourceAddress} {
		a, b := mustStr(t, recs[0].Attributes(), attr), mustStr(t, recs[1].Attributes(), attr)
		assert.True(t, sameString(a, b), "%s interned", attr)
	}
	assert.NotEqual(t, mustStr(t, recs[0].Attributes(), schema.AttrEventID), mustStr(t, recs[1].Attributes(), schema.AttrEventID))
}
