package exposure

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// ev is one audit record as the receiver writes it (internal/schema).
type ev struct {
	provider, account               string
	service, method, resource       string
	change                          string
	outcome, errType                string
	user, ptype, ctype, key, ip, ua string
	mfa                             *bool
	roles                           []string
	opID, stage                     string
	at                              time.Time
	rules                           []schema.NetworkRule
	noRules                         bool // not a network-rule change at all
}

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func bptr(b bool) *bool { return &b }

// Identities used across tests.
func awsRole(e ev) ev {
	e.user = "arn:aws:sts::111122223333:assumed-role/dev-admin/alice"
	e.ptype, e.ctype, e.key = schema.PrincipalRole, schema.CredentialTemporary, "ASIAEXAMPLE7Q2M4T6ZB"
	e.ip, e.ua = "198.51.100.23", "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64"
	e.mfa = bptr(false)
	return e
}

func awsRoot(e ev) ev {
	e.user = "arn:aws:iam::111122223333:root"
	e.ptype, e.ctype, e.key = schema.PrincipalRoot, schema.CredentialLongTermKey, "AKIAEXAMPLE5T3V7W9XY"
	e.ip, e.ua = "203.0.113.77", "aws-cli/2.15.30"
	e.mfa = bptr(false)
	return e
}

// sgIngress is an AuthorizeSecurityGroupIngress with the given rules.
func sgIngress(rules ...schema.NetworkRule) ev {
	return awsRole(ev{provider: "aws", account: "111122223333", service: "ec2.amazonaws.com",
		method: "AuthorizeSecurityGroupIngress", resource: "sg-0a1b2c3d4e5f60718", change: schema.ChangeAdd,
		outcome: schema.OutcomeSuccess, at: t0, rules: rules})
}

func in(src, proto string, ports ...string) schema.NetworkRule {
	return rule(schema.DirectionIngress, schema.ActionAllow, src, proto, ports...)
}

func rule(dir, action, peer, proto string, ports ...string) schema.NetworkRule {
	r := schema.NetworkRule{Direction: dir, Action: action, Protocol: proto}
	for _, p := range ports {
		pr, ok := schema.ParsePortRange(p)
		if !ok {
			panic(p)
		}
		r.PortRanges = append(r.PortRanges, pr)
	}
	if dir == schema.DirectionEgress {
		r.Destinations = []string{peer}
	} else {
		r.Sources = []string{peer}
	}
	return r
}

func withID(r schema.NetworkRule, id string) schema.NetworkRule { r.RuleID = id; return r }

// build writes the record exactly as the receiver does.
func build(e ev) (pcommon.Resource, plog.LogRecord) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	res := rl.Resource()
	res.Attributes().PutStr(schema.AttrCloudProvider, e.provider)
	res.Attributes().PutStr(schema.AttrCloudAccountID, e.account)
	rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	rec.SetEventName(schema.EventName)
	rec.SetTimestamp(pcommon.NewTimestampFromTime(e.at))
	rec.SetObservedTimestamp(pcommon.NewTimestampFromTime(e.at.Add(3 * time.Minute)))
	a := rec.Attributes()
	put := func(k, v string) {
		if v != "" {
			a.PutStr(k, v)
		}
	}
	put(schema.AttrRPCService, e.service)
	put(schema.AttrRPCMethod, e.method)
	put(schema.AttrResourceID, e.resource)
	put(schema.AttrEventID, "3f1c2a4e-5b6d-4c7e-8f90-a1b2c3d4e5f6")
	put(schema.AttrOutcome, e.outcome)
	put(schema.AttrErrorType, e.errType)
	put(schema.AttrUserID, e.user)
	put(schema.AttrPrincipalType, e.ptype)
	put(schema.AttrCredentialType, e.ctype)
	put(schema.AttrAccessKeyID, e.key)
	if e.mfa != nil {
		a.PutBool(schema.AttrMFA, *e.mfa)
	}
	put(schema.AttrSourceAddress, e.ip)
	put(schema.AttrUserAgent, e.ua)
	if len(e.roles) > 0 {
		s := a.PutEmptySlice(schema.AttrRoles)
		for _, r := range e.roles {
			s.AppendEmpty().SetStr(r)
		}
	}
	put(schema.AttrOperationID, e.opID)
	put(schema.AttrOperationStage, e.stage)
	if !e.noRules {
		schema.PutRules(a, e.change, e.rules)
	}
	return res, rec
}
