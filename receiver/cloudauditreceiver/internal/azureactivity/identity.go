package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// claims are the Entra ID token claims Azure copies into the event. Keys are either
// short JWT names ("appid", "ipaddr") or full URIs
// ("http://schemas.microsoft.com/identity/claims/objectidentifier"), so they are
// matched on the part after the last '/'.
type claims struct {
	oid, upn, appid, appidacr, idtyp, ipaddr, spn, scope, miResource []byte
	amr                                                              *fastjson.Value
	present                                                          bool
}

func (c *claims) scan(v *fastjson.Value) {
	if v == nil || v.Type() != fastjson.TypeObject {
		return
	}
	o, _ := v.Object()
	c.present = o.Len() > 0
	o.Visit(func(k []byte, val *fastjson.Value) {
		name := lastSegment(k)
		switch len(name) {
		case 3:
			switch {
			case jsonx.EqualFold(name, "oid"):
				c.oid = first(c.oid, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "upn"):
				c.upn = first(c.upn, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "azp"): // v2 tokens
				c.appid = first(c.appid, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "amr"):
				if c.amr == nil {
					c.amr = val
				}
			case jsonx.EqualFold(name, "spn"):
				c.spn = first(c.spn, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "scp"):
				c.scope = first(c.scope, jsonx.Bytes(val))
			}
		case 5:
			switch {
			case jsonx.EqualFold(name, "appid"):
				c.appid = first(c.appid, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "idtyp"):
				c.idtyp = first(c.idtyp, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "scope"):
				c.scope = first(c.scope, jsonx.Bytes(val))
			}
		case 6:
			switch {
			case jsonx.EqualFold(name, "ipaddr"):
				c.ipaddr = first(c.ipaddr, jsonx.Bytes(val))
			case jsonx.EqualFold(name, "azpacr"):
				c.appidacr = first(c.appidacr, jsonx.Bytes(val))
			}
		case 7:
			// Get-AzLog | ConvertTo-Json wraps the claims as {"Content": {...}}.
			if jsonx.EqualFold(name, "content") && val.Type() == fastjson.TypeObject && o.Len() == 1 {
				c.scan(val)
			}
		case 8:
			if jsonx.EqualFold(name, "appidacr") {
				c.appidacr = first(c.appidacr, jsonx.Bytes(val))
			}
		case 9:
			if jsonx.EqualFold(name, "xms_mirid") {
				c.miResource = first(c.miResource, jsonx.Bytes(val))
			}
		case 16:
			if jsonx.EqualFold(name, "objectidentifier") {
				c.oid = first(c.oid, jsonx.Bytes(val))
			}
		case 22:
			if jsonx.EqualFold(name, "authnmethodsreferences") && c.amr == nil {
				c.amr = val
			}
		}
	})
}

func first(cur, b []byte) []byte {
	if len(cur) > 0 {
		return cur
	}
	return b
}

// mfa reports whether the amr claim lists "mfa" or "ngcmfa" (Entra ID documents
// it as equivalent to mfa). ok is false when there is no amr claim, so the
// attribute is only written where the token says something; also when the only
// hint is "wiaormfa" (Windows or MFA: the token cannot tell which).
func (c *claims) mfa() (mfa, ok bool) {
	if c.amr == nil {
		return false, false
	}
	var st amrState
	switch c.amr.Type() {
	case fastjson.TypeString:
		b, _ := c.amr.StringBytes()
		st.list(b)
	case fastjson.TypeArray:
		arr, _ := c.amr.Array()
		for _, a := range arr {
			st.word(jsonx.Bytes(a))
		}
	default:
		return false, false
	}
	switch {
	case st.mfa:
		return true, true
	case st.maybe:
		return false, false
	}
	return false, true
}

type amrState struct{ mfa, maybe bool }

func (s *amrState) word(w []byte) {
	switch {
	case jsonx.EqualFold(w, "mfa"), jsonx.EqualFold(w, "ngcmfa"):
		s.mfa = true
	case jsonx.EqualFold(w, "wiaormfa"):
		s.maybe = true
	}
}

// list reads a comma or space separated amr ("pwd,mfa"), as the Activity Log
// writes it.
func (s *amrState) list(b []byte) {
	start := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == ',' || b[i] == ' ' {
			s.word(b[start:i])
			start = i + 1
		}
	}
}

// evidence is identity.authorization.evidence (diagnostic export) or the REST
// authorization block.
type evidence struct {
	role, principalType []byte
}

func (e *evidence) scan(identity, authorization *fastjson.Value) {
	if auth := jsonx.GetFold(identity, "authorization"); auth != nil {
		ev := jsonx.GetFold(auth, "evidence")
		e.role = jsonx.Bytes(jsonx.GetFold(ev, "role"))
		e.principalType = jsonx.Bytes(jsonx.GetFold(ev, "principalType"))
	}
	if len(e.role) == 0 && authorization != nil {
		e.role = jsonx.Bytes(jsonx.GetFold(authorization, "role"))
		if len(e.role) == 0 {
			e.role = jsonx.Bytes(jsonx.GetFold(jsonx.GetFold(authorization, "evidence"), "role"))
		}
	}
}

// principalType decides who acted. The token's own idtyp claim is the most direct
// statement; the role assignment's principalType comes next (a Group assignment is
// held by a user); the remaining rules read the shape of the token: delegated tokens
// carry upn / scp, app-only tokens carry appid without them, managed identities
// carry xms_mirid, Azure-internal engines (autoscale) an spn claim.
func principalType(c *claims, e *evidence, caller []byte) string {
	switch {
	case jsonx.EqualFold(c.idtyp, "app"):
		return schema.PrincipalService
	case jsonx.EqualFold(c.idtyp, "user"):
		return schema.PrincipalUser
	}
	switch {
	case jsonx.EqualFold(e.principalType, "user"), jsonx.EqualFold(e.principalType, "group"), jsonx.EqualFold(e.principalType, "foreigngroup"):
		return schema.PrincipalUser
	case jsonx.EqualFold(e.principalType, "serviceprincipal"), jsonx.EqualFold(e.principalType, "managedidentity"), jsonx.EqualFold(e.principalType, "msi"):
		return schema.PrincipalService
	}
	switch {
	case len(c.miResource) > 0:
		return schema.PrincipalService
	case len(c.upn) > 0 || len(c.scope) > 0:
		return schema.PrincipalUser
	case len(c.spn) > 0 || len(c.appid) > 0:
		return schema.PrincipalService
	}
	if len(caller) > 0 {
		for _, ch := range caller {
			if ch == '@' {
				return schema.PrincipalUser
			}
		}
		// REST caller without '@' is an application id or an engine name.
		return schema.PrincipalService
	}
	return ""
}

// credentialType: every Azure Resource Manager call is made with an Entra ID access
// token, so the credential is "token". The exception is an app-only token obtained
// with a client secret (appidacr "1"): the secret is a long-lived key held by a
// non-human identity, the same risk as a GCP service-account key. Certificate and
// federated credentials (appidacr "2") and managed identities stay "token".
func credentialType(c *claims, principal string) string {
	if !c.present {
		return ""
	}
	if principal == schema.PrincipalService && len(c.miResource) == 0 && string(c.appidacr) == "1" {
		return schema.CredentialServiceAccountKey
	}
	return schema.CredentialToken
}

// putIdentity writes user.id, principal type, credential, MFA, roles and the caller
// address.
func putIdentity(ev *event.Event, r *record) {
	cv := r.claims
	if cv == nil {
		cv = jsonx.GetFold(r.identity, "claims")
	}
	if cv != nil && cv.Type() == fastjson.TypeString {
		// Activity Log alert payloads carry the claims as JSON text. The parsed
		// claims only live inside the callback, so everything is written there.
		if withObject(cv, func(obj *fastjson.Value) { putIdentityClaims(ev, r, obj) }) {
			return
		}
		cv = nil
	}
	putIdentityClaims(ev, r, cv)
}

func putIdentityClaims(ev *event.Event, r *record, cv *fastjson.Value) {
	var c claims
	c.scan(cv)
	var e evidence
	e.scan(r.identity, r.authorization)

	caller := jsonx.Bytes(r.caller)
	attrs := ev.Attrs()
	switch {
	case len(caller) > 0:
		attrs.PutStr(schema.AttrUserID, ev.Str(caller))
	case len(c.oid) > 0:
		attrs.PutStr(schema.AttrUserID, ev.Str(c.oid))
	case len(c.upn) > 0:
		attrs.PutStr(schema.AttrUserID, ev.Str(c.upn))
	case len(c.appid) > 0:
		attrs.PutStr(schema.AttrUserID, ev.Str(c.appid))
	case len(c.spn) > 0:
		attrs.PutStr(schema.AttrUserID, ev.Str(c.spn))
	}

	pt := principalType(&c, &e, caller)
	if pt != "" {
		attrs.PutStr(schema.AttrPrincipalType, pt)
	}
	if ct := credentialType(&c, pt); ct != "" {
		attrs.PutStr(schema.AttrCredentialType, ct)
	}
	if mfa, ok := c.mfa(); ok {
		attrs.PutBool(schema.AttrMFA, mfa)
	}
	if len(e.role) > 0 {
		attrs.PutEmptySlice(schema.AttrRoles).AppendEmpty().SetStr(ev.Str(e.role))
	}

	ip := jsonx.Bytes(r.callerIP)
	if len(ip) == 0 {
		ip = jsonx.Bytes(jsonx.GetFold(r.httpRequest, "clientIpAddress"))
	}
	if len(ip) == 0 {
		ip = c.ipaddr
	}
	if len(ip) > 0 {
		attrs.PutStr(schema.AttrSourceAddress, ev.Str(ip))
	}
}
