package exposure

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// Identity risk increments (added to 1.0, capped at identityCap).
const (
	idRoot          = 0.30
	idLongTermKey   = 0.15
	idNoMFA         = 0.10
	idSAKey         = 0.15
	idOwnerRole     = 0.10
	idNewPrincipal  = 0.10
	idNewSourceIP   = 0.10
	idNewUserAgent  = 0.05
	identityCap     = 1.6
	firstSeenKindP  = "p"
	firstSeenKindIP = "ip"
	firstSeenKindUA = "ua"
)

// identity is who made the change and how risky that is.
type identity struct {
	principal, sourceIP, userAgent, accessKey, ptype, ctype string
	roles                                                   pcommon.Value
	hasRoles                                                bool
	root, longTerm, noMFA, saKey                            bool
	ownerRole                                               string
	newPrincipal, newIP, newUA                              bool
	factor                                                  float64
}

func readIdentity(attrs pcommon.Map) identity {
	var id identity
	id.principal = str(attrs, schema.AttrUserID)
	id.sourceIP = str(attrs, schema.AttrSourceAddress)
	id.userAgent = str(attrs, schema.AttrUserAgent)
	id.accessKey = str(attrs, schema.AttrAccessKeyID)
	id.ptype = str(attrs, schema.AttrPrincipalType)
	id.ctype = str(attrs, schema.AttrCredentialType)
	id.root = id.ptype == schema.PrincipalRoot || strings.HasSuffix(id.principal, ":root")
	id.longTerm = strings.HasPrefix(id.accessKey, "AKIA") || id.ctype == schema.CredentialLongTermKey
	// Missing MFA matters for people and long-term keys; role sessions and service
	// accounts report mfa=false as a matter of course.
	if v, ok := attrs.Get(schema.AttrMFA); ok && v.Type() == pcommon.ValueTypeBool && !v.Bool() &&
		(id.root || id.ptype == schema.PrincipalUser || id.longTerm || id.ctype == schema.CredentialConsole) {
		id.noMFA = true
	}
	id.saKey = id.ctype == schema.CredentialServiceAccountKey
	if v, ok := attrs.Get(schema.AttrRoles); ok {
		id.roles, id.hasRoles = v, true
		id.ownerRole = privilegedRole(v)
	}
	return id
}

// privilegedRole returns "Owner" or "Contributor" when the role evidence names one.
func privilegedRole(v pcommon.Value) string {
	check := func(s string) string {
		for _, r := range [...]string{"Owner", "Contributor"} {
			if strings.EqualFold(s, r) {
				return r
			}
		}
		return ""
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return check(v.Str())
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			if r := check(s.At(i).Str()); r != "" {
				return r
			}
		}
	}
	return ""
}

// hasRole reports whether the role evidence or the principal ARN names role.
func (id *identity) hasRole(role string) bool {
	if roleInARN(id.principal, role) {
		return true
	}
	if !id.hasRoles {
		return false
	}
	switch id.roles.Type() {
	case pcommon.ValueTypeStr:
		return strings.EqualFold(id.roles.Str(), role)
	case pcommon.ValueTypeSlice:
		s := id.roles.Slice()
		for i := 0; i < s.Len(); i++ {
			if strings.EqualFold(s.At(i).Str(), role) {
				return true
			}
		}
	}
	return false
}

func (id *identity) computeFactor() {
	f := 1.0
	if id.root {
		f += idRoot
	}
	if id.longTerm {
		f += idLongTermKey
	}
	if id.noMFA {
		f += idNoMFA
	}
	if id.saKey {
		f += idSAKey
	}
	if id.ownerRole != "" {
		f += idOwnerRole
	}
	if id.newPrincipal {
		f += idNewPrincipal
	}
	if id.newIP {
		f += idNewSourceIP
	}
	if id.newUA {
		f += idNewUserAgent
	}
	id.factor = min(f, identityCap)
}

// describe writes the identity evidence, e.g. " by arn:… (root, long-term key AKIA…, no MFA)".
func (id *identity) describe(b *strings.Builder) {
	name := id.principal
	if name == "" {
		name = "an unknown principal"
	}
	b.WriteString(" by ")
	b.WriteString(name)
	n := 0
	item := func(parts ...string) {
		if n == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		n++
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	if id.root {
		item("root")
	}
	if id.longTerm {
		if id.accessKey != "" {
			item("long-term key ", id.accessKey)
		} else {
			item("long-term key")
		}
	}
	if id.noMFA {
		item("no MFA")
	}
	if id.saKey {
		item("service-account key")
	}
	if id.ownerRole != "" {
		item(id.ownerRole, " role")
	}
	if id.newPrincipal {
		item("first-seen principal")
	}
	if id.newIP {
		item("first-seen source IP ", id.sourceIP)
	}
	if id.newUA {
		item("first-seen user agent")
	}
	if n > 0 {
		b.WriteString(")")
	}
}

func str(m pcommon.Map, k string) string {
	if v, ok := m.Get(k); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}
