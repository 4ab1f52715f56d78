package cloudtrail

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// putIdentity writes user.id, the principal and credential types, the access key id
// and MFA from userIdentity (plus ConsoleLogin's additionalEventData and the user
// agent, which tell console sessions apart).
func putIdentity(ev *event.Event, f *fields) {
	ui := f.userIdentity
	if ui == nil || ui.Type() != fastjson.TypeObject {
		return
	}
	var (
		typ, arn, principalID, invokedBy, userName, keyID []byte
		sessionCtx                                        *fastjson.Value
	)
	o, _ := ui.Object()
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch jsonx.View(k) {
		case "type":
			typ = jsonx.Bytes(v)
		case "arn":
			arn = jsonx.Bytes(v)
		case "principalId":
			principalID = jsonx.Bytes(v)
		case "invokedBy":
			invokedBy = jsonx.Bytes(v)
		case "userName":
			userName = jsonx.Bytes(v)
		case "accessKeyId":
			keyID = jsonx.Bytes(v)
		case "sessionContext":
			sessionCtx = v
		}
	})

	switch {
	case len(arn) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(arn))
	case len(principalID) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(principalID))
	case len(invokedBy) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(invokedBy))
	case len(userName) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(userName))
	}

	if p := principalType(typ, principalID, invokedBy); p != "" {
		ev.Attrs().PutStr(schema.AttrPrincipalType, p)
	}

	if len(keyID) > 0 {
		ev.Attrs().PutStr(schema.AttrAccessKeyID, ev.Str(keyID))
	}

	var mfaAttr, fromConsole *fastjson.Value
	if sessionCtx != nil && sessionCtx.Type() == fastjson.TypeObject {
		mfaAttr = sessionCtx.Get("attributes", "mfaAuthenticated")
		fromConsole = sessionCtx.Get("sessionCredentialFromConsole")
	}

	isConsoleLogin := jsonx.View(jsonx.Bytes(f.eventName)) == "ConsoleLogin"
	console := isConsoleLogin
	if c, ok := jsonx.Bool(fromConsole); ok && c {
		console = true
	}
	if !console && isConsoleUserAgent(jsonx.Bytes(f.userAgent)) {
		console = true
	}
	switch {
	case console:
		ev.Attrs().PutStr(schema.AttrCredentialType, schema.CredentialConsole)
	case hasPrefix(keyID, "AKIA"):
		ev.Attrs().PutStr(schema.AttrCredentialType, schema.CredentialLongTermKey)
	case hasPrefix(keyID, "ASIA"):
		ev.Attrs().PutStr(schema.AttrCredentialType, schema.CredentialTemporary)
	}

	// MFA only where CloudTrail actually tells: the session's mfaAuthenticated flag,
	// ConsoleLogin's MFAUsed, or a long-term access key, which can never carry MFA
	// (MFA-protected API access always goes through temporary ASIA credentials).
	if m, ok := jsonx.Bool(mfaAttr); ok {
		ev.Attrs().PutBool(schema.AttrMFA, m)
	} else if isConsoleLogin && f.additionalEventData != nil {
		if m, ok := jsonx.Bool(f.additionalEventData.Get("MFAUsed")); ok {
			ev.Attrs().PutBool(schema.AttrMFA, m)
		}
	} else if hasPrefix(keyID, "AKIA") {
		ev.Attrs().PutBool(schema.AttrMFA, false)
	}
}

// principalType maps userIdentity.type to the normalised enumeration.
func principalType(typ, principalID, invokedBy []byte) string {
	switch jsonx.View(typ) {
	case "Root":
		return schema.PrincipalRoot
	case "IAMUser", "IdentityCenterUser":
		return schema.PrincipalUser
	case "AssumedRole", "Role":
		return schema.PrincipalRole
	case "FederatedUser", "SAMLUser", "WebIdentityUser":
		return schema.PrincipalFederated
	case "AWSService":
		return schema.PrincipalService
	case "AWSAccount":
		// A principal of another account. Its kind shows in the principalId prefix
		// (AROA… role session, AIDA… user); an AWS service acting for it sets invokedBy.
		switch {
		case len(invokedBy) > 0:
			return schema.PrincipalService
		case hasPrefix(principalID, "AROA"):
			return schema.PrincipalRole
		default:
			return schema.PrincipalUser
		}
	}
	return ""
}

// isConsoleUserAgent recognises the user agents CloudTrail records for AWS Management
// Console activity: "signin.amazonaws.com", "console.amazonaws.com",
// "console.ec2.amazonaws.com", "AWS Internal" is deliberately not included (it is
// used by services too).
func isConsoleUserAgent(ua []byte) bool {
	switch jsonx.View(ua) {
	case "signin.amazonaws.com", "console.amazonaws.com":
		return true
	}
	return hasPrefix(ua, "console.") && hasSuffix(ua, ".amazonaws.com")
}
