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
		accountID, credentialID                           []byte
		sessionCtx, onBehalfOf                            *fastjson.Value
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
		case "onBehalfOf":
			onBehalfOf = v
		case "credentialId":
			credentialID = jsonx.Bytes(v)
		case "accountId":
			accountID = jsonx.Bytes(v)
		}
	})

	// IdentityCenterUser callers have no arn or principalId, only the identity-store
	// user id in onBehalfOf. Sign-in records of type Unknown put the bare account id
	// in principalId, which names no one, so the user id or name wins over it there.
	// A caller from another account whose identity CloudTrail redacts (network
	// activity events, anonymous S3 requests: ANONYMOUS_PRINCIPAL) is known only by
	// its accountId.
	var behalfOf []byte
	if onBehalfOf != nil && onBehalfOf.Type() == fastjson.TypeObject {
		behalfOf = jsonx.Bytes(onBehalfOf.Get("userId"))
	}
	pid := principalID
	if t := jsonx.View(typ); t != "Root" && t != "AWSAccount" && isAccountID(pid) {
		pid = nil
	}
	switch {
	case len(arn) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(arn))
	case len(pid) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(pid))
	case len(invokedBy) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(invokedBy))
	case len(behalfOf) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(behalfOf))
	case len(userName) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(userName))
	case len(principalID) > 0:
		ev.PutStr(schema.AttrUserID, ev.Str(principalID))
	case len(accountID) > 0 && jsonx.View(typ) == "AWSAccount":
		ev.PutStr(schema.AttrUserID, ev.Str(accountID))
	}

	if p := principalType(typ, principalID, invokedBy); p != "" {
		ev.Attrs().PutStr(schema.AttrPrincipalType, p)
	}

	if len(keyID) > 0 {
		ev.Attrs().PutStr(schema.AttrAccessKeyID, ev.Str(keyID))
	}

	// sessionCredentialFromConsole is a top-level event field (eventVersion 1.08+,
	// present only when "true"); copies that nest it in sessionContext are read too.
	mfaAttr, fromConsole := (*fastjson.Value)(nil), f.fromConsole
	if sessionCtx != nil && sessionCtx.Type() == fastjson.TypeObject {
		mfaAttr = sessionCtx.Get("attributes", "mfaAuthenticated")
		if fromConsole == nil {
			fromConsole = sessionCtx.Get("sessionCredentialFromConsole")
		}
	}

	isConsoleLogin := jsonx.View(jsonx.Bytes(f.eventName)) == "ConsoleLogin"
	console := isSignIn(f)
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
	case len(credentialID) > 0:
		// credentialId is set only for bearer tokens (IAM Identity Center access tokens).
		ev.Attrs().PutStr(schema.AttrCredentialType, schema.CredentialToken)
	default:
		// CloudTrail may omit the key or write it as "" "for security reasons"; the
		// identity type still says how the caller authenticated.
		switch jsonx.View(typ) {
		case "AssumedRole", "FederatedUser":
			ev.Attrs().PutStr(schema.AttrCredentialType, schema.CredentialTemporary)
		case "SAMLUser", "WebIdentityUser":
			// AssumeRoleWithSAML / AssumeRoleWithWebIdentity: signed by an IdP assertion or token.
			ev.Attrs().PutStr(schema.AttrCredentialType, schema.CredentialToken)
		}
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
		// (AROA… role session, AIDA… user, the bare account id for its root); an AWS
		// service acting for it sets invokedBy. Redacted callers (empty principalId)
		// stay unknown.
		switch {
		case len(invokedBy) > 0:
			return schema.PrincipalService
		case hasPrefix(principalID, "AROA"):
			return schema.PrincipalRole
		case isAccountID(principalID):
			return schema.PrincipalRoot
		case len(principalID) > 0:
			return schema.PrincipalUser
		}
	case "":
		// AwsServiceEvent records often carry only accountId and invokedBy.
		if len(invokedBy) > 0 {
			return schema.PrincipalService
		}
	}
	return ""
}

// isAccountID reports whether b is a 12-digit AWS account id.
func isAccountID(b []byte) bool {
	if len(b) != 12 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
