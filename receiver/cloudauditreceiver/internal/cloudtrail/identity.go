package cloudtrail

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
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
		switch b2s(k) {
		case "type":
			typ = bytesOf(v)
		case "arn":
			arn = bytesOf(v)
		case "principalId":
			principalID = bytesOf(v)
		case "invokedBy":
			invokedBy = bytesOf(v)
		case "userName":
			userName = bytesOf(v)
		case "accessKeyId":
			keyID = bytesOf(v)
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

	isConsoleLogin := b2s(bytesOf(f.eventName)) == "ConsoleLogin"
	console := isConsoleLogin
	if c, ok := boolOf(fromConsole); ok && c {
		console = true
	}
	if !console && isConsoleUserAgent(bytesOf(f.userAgent)) {
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
	if m, ok := boolOf(mfaAttr); ok {
		ev.Attrs().PutBool(schema.AttrMFA, m)
	} else if isConsoleLogin && f.additionalEventData != nil {
		if m, ok := boolOf(f.additionalEventData.Get("MFAUsed")); ok {
			ev.Attrs().PutBool(schema.AttrMFA, m)
		}
	} else if hasPrefix(keyID, "AKIA") {
		ev.Attrs().PutBool(schema.AttrMFA, false)
	}
}

// principalType maps userIdentity.type to the normalised enumeration.
func principalType(typ, principalID, invokedBy []byte) string {
	switch b2s(typ) {
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
	switch b2s(ua) {
	case "signin.amazonaws.com", "console.amazonaws.com":
		return true
	}
	return hasPrefix(ua, "console.") && hasSuffix(ua, ".amazonaws.com")
}
