package decode

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// naiveDecode is the naive way to produce the records this package produces for
// CloudTrail API calls: encoding/json into map[string]any, pcommon FromRaw for the
// body, and the same normalised attributes read from the maps with plain lookups.
// TestNaiveProducesTheSameRecords holds it to the decoder's output on benchObject, so
// BenchmarkNaiveSameOutput compares two ways to the same records. It covers what the
// bench records contain, not every CloudTrail shape.
func naiveDecode(data []byte, observed int64) (plog.Logs, error) {
	var doc struct {
		Records []map[string]any `json:"Records"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return plog.Logs{}, err
	}
	out := plog.NewLogs()
	groups := map[[2]string]plog.LogRecordSlice{}
	for _, r := range doc.Records {
		acct, region := str(r, "recipientAccountId"), str(r, "awsRegion")
		key := [2]string{acct, region}
		sl, ok := groups[key]
		if !ok {
			rl := out.ResourceLogs().AppendEmpty()
			ra := rl.Resource().Attributes()
			ra.PutStr(schema.AttrCloudProvider, schema.ProviderAWS)
			ra.PutStr(schema.AttrCloudAccountID, acct)
			ra.PutStr(schema.AttrCloudRegion, region)
			s := rl.ScopeLogs().AppendEmpty()
			s.Scope().SetName(ScopeName)
			sl = s.LogRecords()
			groups[key] = sl
		}
		lr := sl.AppendEmpty()
		lr.SetEventName(schema.EventName)
		lr.SetObservedTimestamp(pcommon.Timestamp(observed))
		if t, err := time.Parse(time.RFC3339, str(r, "eventTime")); err == nil {
			lr.SetTimestamp(pcommon.NewTimestampFromTime(t))
		}
		if err := lr.Body().SetEmptyMap().FromRaw(r); err != nil {
			return plog.Logs{}, err
		}
		naiveAttributes(r, lr)
	}
	return out, nil
}

func naiveAttributes(r map[string]any, lr plog.LogRecord) {
	a := lr.Attributes()
	put := func(k, v string) {
		if v != "" {
			a.PutStr(k, v)
		}
	}
	put(schema.AttrRPCService, str(r, "eventSource"))
	put(schema.AttrRPCMethod, str(r, "eventName"))
	put(schema.AttrEventID, str(r, "eventID"))
	put(schema.AttrSourceAddress, str(r, "sourceIPAddress"))
	put(schema.AttrUserAgent, str(r, "userAgent"))
	if code := str(r, "errorCode"); code != "" {
		a.PutStr(schema.AttrOutcome, schema.OutcomeFailure)
		a.PutStr(schema.AttrErrorType, code)
		lr.SetSeverityNumber(plog.SeverityNumberWarn)
		lr.SetSeverityText("WARN")
	} else {
		a.PutStr(schema.AttrOutcome, schema.OutcomeSuccess)
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.SetSeverityText("INFO")
	}

	ui, _ := r["userIdentity"].(map[string]any)
	typ, key := str(ui, "type"), str(ui, "accessKeyId")
	switch {
	case str(ui, "arn") != "":
		put(schema.AttrUserID, str(ui, "arn"))
	case str(ui, "principalId") != "":
		put(schema.AttrUserID, str(ui, "principalId"))
	default:
		put(schema.AttrUserID, str(ui, "invokedBy"))
	}
	put(schema.AttrPrincipalType, map[string]string{
		"Root": schema.PrincipalRoot, "IAMUser": schema.PrincipalUser, "AssumedRole": schema.PrincipalRole,
		"AWSService": schema.PrincipalService,
	}[typ])
	put(schema.AttrAccessKeyID, key)
	switch ua := str(r, "userAgent"); {
	case ua == "console.amazonaws.com" || ua == "signin.amazonaws.com":
		a.PutStr(schema.AttrCredentialType, schema.CredentialConsole)
	case strings.HasPrefix(key, "AKIA"):
		a.PutStr(schema.AttrCredentialType, schema.CredentialLongTermKey)
	case strings.HasPrefix(key, "ASIA"):
		a.PutStr(schema.AttrCredentialType, schema.CredentialTemporary)
	}
	sc, _ := ui["sessionContext"].(map[string]any)
	attrs, _ := sc["attributes"].(map[string]any)
	if m, ok := attrs["mfaAuthenticated"].(string); ok {
		a.PutBool(schema.AttrMFA, m == "true")
	} else if strings.HasPrefix(key, "AKIA") {
		a.PutBool(schema.AttrMFA, false)
	}

	req, _ := r["requestParameters"].(map[string]any)
	resource := ""
	if res, _ := r["resources"].([]any); len(res) > 0 {
		first, _ := res[0].(map[string]any)
		resource = str(first, "ARN")
	}
	for _, k := range []string{"groupId", "bucketName", "roleName"} {
		if resource == "" {
			resource = str(req, k)
		}
	}
	if str(r, "eventName") == "AuthorizeSecurityGroupIngress" {
		naiveRules(r, a)
	}
	put(schema.AttrResourceID, resource)
}

// naiveRules writes the rules EC2 returned in responseElements.securityGroupRuleSet.
func naiveRules(r map[string]any, a pcommon.Map) {
	resp, _ := r["responseElements"].(map[string]any)
	set, _ := resp["securityGroupRuleSet"].(map[string]any)
	items, _ := set["items"].([]any)
	a.PutStr(schema.AttrRuleChange, schema.ChangeAdd)
	rules := a.PutEmptySlice(schema.AttrRules)
	for _, it := range items {
		m, _ := it.(map[string]any)
		dir := schema.DirectionIngress
		if eg, _ := m["isEgress"].(bool); eg {
			dir = schema.DirectionEgress
		}
		from, to := m["fromPort"].(float64), m["toPort"].(float64)
		ports := fmt.Sprintf("%d", int(from))
		if to != from {
			ports = fmt.Sprintf("%d-%d", int(from), int(to))
		}
		rule := rules.AppendEmpty().SetEmptyMap()
		rule.PutStr(schema.RuleAction, schema.ActionAllow)
		rule.PutEmptySlice(schema.RuleDestinations)
		rule.PutStr(schema.RuleDirection, dir)
		rule.PutEmptySlice(schema.RulePortRanges).AppendEmpty().SetStr(ports)
		rule.PutStr(schema.RuleProtocol, str(m, "ipProtocol"))
		rule.PutStr(schema.RuleID, str(m, "securityGroupRuleId"))
		rule.PutEmptySlice(schema.RuleSources).AppendEmpty().SetStr(str(m, "cidrIpv4"))
	}
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// TestNaiveProducesTheSameRecords: the naive baseline must do the decoder's whole job,
// or comparing their speed means nothing. Bodies are compared with numbers as values
// (encoding/json reads every number as a float64; the decoder keeps integers as ints).
func TestNaiveProducesTheSameRecords(t *testing.T) {
	data := benchObject(benchRecords)
	d, err := New(Config{})
	require.NoError(t, err)
	ours := plog.NewLogs()
	res := d.Decode(data, "bench", 1, ours, nil)
	require.Equal(t, benchRecords, res.Emitted)
	naive, err := naiveDecode(data, 1)
	require.NoError(t, err)

	require.Equal(t, ours.ResourceLogs().Len(), naive.ResourceLogs().Len())
	for i := range ours.ResourceLogs().Len() {
		o, n := ours.ResourceLogs().At(i), naive.ResourceLogs().At(i)
		require.Equal(t, o.Resource().Attributes().AsRaw(), n.Resource().Attributes().AsRaw())
		or, nr := o.ScopeLogs().At(0).LogRecords(), n.ScopeLogs().At(0).LogRecords()
		require.Equal(t, or.Len(), nr.Len())
		for j := range or.Len() {
			a, b := or.At(j), nr.At(j)
			id, _ := a.Attributes().Get(schema.AttrEventID)
			require.Equal(t, a.Attributes().AsRaw(), b.Attributes().AsRaw(), "attributes of %s", id.Str())
			require.Equal(t, numbersAsFloat(a.Body().AsRaw()), numbersAsFloat(b.Body().AsRaw()), "body of %s", id.Str())
			require.Equal(t, a.Timestamp(), b.Timestamp())
			require.Equal(t, a.ObservedTimestamp(), b.ObservedTimestamp())
			require.Equal(t, a.SeverityNumber(), b.SeverityNumber())
			require.Equal(t, a.SeverityText(), b.SeverityText())
			require.Equal(t, a.EventName(), b.EventName())
		}
	}
}

func numbersAsFloat(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbersAsFloat(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersAsFloat(e)
		}
	case int64:
		return float64(x)
	case float64:
		if math.IsNaN(x) {
			return 0.0
		}
	}
	return v
}

// BenchmarkNaiveSameOutput is the naive way to the decoder's exact records.
func BenchmarkNaiveSameOutput(b *testing.B) {
	data := benchObject(benchRecords)
	b.SetBytes(int64(len(data)))
	measure(b, benchRecords, func() int {
		out, err := naiveDecode(data, 1)
		if err != nil {
			b.Fatal(err)
		}
		return out.LogRecordCount()
	})
}
