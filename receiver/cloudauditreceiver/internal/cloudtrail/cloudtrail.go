// Package cloudtrail decodes AWS CloudTrail events (bare, and inside EventBridge
// envelopes) into the normalised schema (SPEC §2). The envelope layer unwraps
// delivery formats and hands this package one event value at a time.
//
// The decoder sits on the receiver's hot path: it visits the top-level object once,
// makes every attribute string through event.Event.Str (so it shares the body's copy
// of the event text instead of allocating), and uses no maps, reflection or fmt.
package cloudtrail

import (
	"errors"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

var (
	errNotObject    = errors.New("cloudtrail: event is not a JSON object")
	errNoEventName  = errors.New("cloudtrail: event has no eventName")
	errNoDetail     = errors.New("eventbridge: envelope has no detail object")
	errNotEventTime = errors.New("eventbridge: envelope has no time")
)

// fields are the top-level members of a CloudTrail event, collected in one pass.
type fields struct {
	eventName, eventSource, eventTime, eventID, eventType  *fastjson.Value
	errorCode, errorMessage, awsRegion, recipientAccountID *fastjson.Value
	sourceIP, userAgent, userIdentity, requestParameters   *fastjson.Value
	responseElements, resources, additionalEventData       *fastjson.Value
	shipperTime, insightDetails, sharedEventID             *fastjson.Value
	serviceEventDetails, fromConsole                       *fastjson.Value
	digestHint                                             bool
}

// eventTypeSignIn is the eventType of AWS Management Console sign-in events
// (ConsoleLogin, CheckMfa, SwitchRole, ...).
const eventTypeSignIn = "AwsConsoleSignIn"

func (f *fields) collect(o *fastjson.Object) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch jsonx.View(k) {
		case "eventName":
			f.eventName = v
		case "eventSource":
			f.eventSource = v
		case "eventTime":
			f.eventTime = v
		case "eventID":
			f.eventID = v
		case "eventType":
			f.eventType = v
		case "errorCode":
			f.errorCode = v
		case "errorMessage":
			f.errorMessage = v
		case "awsRegion":
			f.awsRegion = v
		case "recipientAccountId":
			f.recipientAccountID = v
		case "sourceIPAddress":
			f.sourceIP = v
		case "userAgent":
			f.userAgent = v
		case "userIdentity":
			f.userIdentity = v
		case "requestParameters":
			f.requestParameters = v
		case "responseElements":
			f.responseElements = v
		case "resources":
			f.resources = v
		case "additionalEventData":
			f.additionalEventData = v
		case "@timestamp":
			f.shipperTime = v
		case "insightDetails":
			f.insightDetails = v
		case "sharedEventID":
			f.sharedEventID = v
		case "serviceEventDetails":
			f.serviceEventDetails = v
		case "sessionCredentialFromConsole":
			f.fromConsole = v
		case "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "logFiles":
			f.digestHint = true
		}
	})
}

// Matches reports whether v is a bare CloudTrail event: an object whose eventName is a
// JSON string and whose eventSource is a JSON string (or absent with eventVersion
// present, as in trimmed copies), or a CloudTrail Insights event (eventType
// AwsCloudTrailInsight with an insightDetails object). Azure's REST shape has
// eventName and eventSource as objects and does not match; EventBridge envelopes
// (detail-type) do not match either.
func Matches(v *fastjson.Value) bool {
	if v == nil || v.Type() != fastjson.TypeObject {
		return false
	}
	if isInsight(v) {
		return true
	}
	if name := v.Get("eventName"); name == nil || name.Type() != fastjson.TypeString {
		return false
	}
	if src := v.Get("eventSource"); src != nil {
		return src.Type() == fastjson.TypeString
	}
	return v.Get("eventVersion") != nil
}

// isInsight recognises a CloudTrail Insights event by its documented members.
func isInsight(v *fastjson.Value) bool {
	d := v.Get("insightDetails")
	return d != nil && d.Type() == fastjson.TypeObject && jsonx.View(v.GetStringBytes("eventType")) == eventTypeInsight
}

// Decode fills ev from one CloudTrail event. It returns event.ErrSkip for a digest
// file that reached it, and an error only when the event has no eventName (and is not
// an Insights event); any other odd field is skipped and the rest of the event is kept.
func Decode(v *fastjson.Value, ev *event.Event) error {
	return decode(v, ev, nil)
}

// decode is Decode with optional fallbacks from an EventBridge envelope.
func decode(v *fastjson.Value, ev *event.Event, env *envelope) error {
	if v == nil || v.Type() != fastjson.TypeObject {
		return errNotObject
	}
	o, _ := v.Object()
	var f fields
	f.collect(o)

	if jsonx.View(jsonx.Bytes(f.eventType)) == eventTypeInsight && f.insightDetails != nil && f.insightDetails.Type() == fastjson.TypeObject {
		putTime(ev, &f, env)
		putResource(ev, &f, env)
		putInsight(ev, &f)
		return nil
	}
	name := jsonx.Bytes(f.eventName)
	if len(name) == 0 {
		if f.digestHint {
			return event.ErrSkip
		}
		return errNoEventName
	}
	putTime(ev, &f, env)
	putResource(ev, &f, env)

	// Exact capacity: the attribute slice is one allocation per record, and its bytes
	// count (pdata pays 40 bytes per slot).
	ev.Attrs().EnsureCapacity(callAttrs + actionAttrs(name))
	ev.PutBytes(schema.AttrRPCService, jsonx.Bytes(f.eventSource))
	ev.PutBytes(schema.AttrRPCMethod, name)
	ev.PutBytes(schema.AttrEventID, jsonx.Bytes(f.eventID))
	ev.PutBytes(schema.AttrSourceAddress, jsonx.Bytes(f.sourceIP))
	ev.PutBytes(schema.AttrUserAgent, jsonx.Bytes(f.userAgent))

	putOutcome(ev, &f)
	putIdentity(ev, &f)

	resourceID := ev.Str(firstResourceARN(f.resources))
	target := decodeAction(ev, &f, name)
	if resourceID == "" {
		resourceID = target
	}
	if resourceID == "" {
		resourceID = ev.Str(requestTarget(f.requestParameters))
	}
	ev.PutStr(schema.AttrResourceID, resourceID)
	return nil
}

// putTime sets the record's timestamp from the event's own time: eventTime, else the
// EventBridge envelope's time, else a log shipper's @timestamp (Logstash moves
// eventTime there). With none of them, or one we cannot read (placeholders in
// hand-written samples), the timestamp stays unset rather than losing the record; the
// pipeline still sets the observed time.
func putTime(ev *event.Event, f *fields, env *envelope) {
	text := jsonx.Bytes(f.eventTime)
	if len(text) == 0 && env != nil {
		text = env.time
	}
	if len(text) == 0 {
		text = jsonx.Bytes(f.shipperTime)
	}
	if t, ok := parseTime(text); ok {
		ev.SetTime(t)
	}
}

// putResource sets the resource identity: AWS, the account and the region.
func putResource(ev *event.Event, f *fields, env *envelope) {
	ev.Provider = schema.ProviderAWS
	ev.AccountID = ev.Str(jsonx.Bytes(f.recipientAccountID))
	if ev.AccountID == "" && f.userIdentity != nil && f.userIdentity.Type() == fastjson.TypeObject {
		ev.AccountID = ev.Str(jsonx.Bytes(f.userIdentity.Get("accountId")))
	}
	ev.Region = ev.Str(jsonx.Bytes(f.awsRegion))
	if env != nil {
		if ev.AccountID == "" {
			ev.AccountID = ev.Str(env.account)
		}
		if ev.Region == "" {
			ev.Region = ev.Str(env.region)
		}
	}
}

// putOutcome: errorCode marks failure. Sign-in events carry no errorCode: their result
// is a member named after the event, "Success" or "Failure", in responseElements
// (ConsoleLogin, CheckMfa, SwitchRole, ...) or, for IAM Identity Center sign-in,
// serviceEventDetails (CredentialVerification), next to an errorMessage.
func putOutcome(ev *event.Event, f *fields) {
	if code := jsonx.Bytes(f.errorCode); len(code) > 0 {
		ev.SetOutcome(false, ev.Str(code))
		return
	}
	if f.errorCode != nil && f.errorCode.Type() != fastjson.TypeNull && f.errorCode.Type() != fastjson.TypeString {
		// A non-string errorCode is still an error; keep its presence.
		ev.SetOutcome(false, "")
		return
	}
	if isSignIn(f) {
		name := jsonx.View(jsonx.Bytes(f.eventName))
		r := signInResult(f.responseElements, name)
		if len(r) == 0 {
			r = signInResult(f.serviceEventDetails, name)
		}
		if len(r) > 0 && jsonx.View(r) != "Success" {
			msg := jsonx.Bytes(f.errorMessage)
			if len(msg) == 0 {
				msg = r
			}
			ev.SetOutcome(false, ev.Str(msg))
			return
		}
	}
	ev.SetOutcome(true, "")
}

// isSignIn reports a sign-in record: eventType AwsConsoleSignIn (console sign-in,
// CheckMfa, SwitchRole, ...) or eventSource signin.amazonaws.com, which also covers
// IAM Identity Center sign-in (CredentialChallenge, CredentialVerification,
// UserAuthentication), recorded as AwsServiceEvent. Copies that lost both still say
// ConsoleLogin.
func isSignIn(f *fields) bool {
	return jsonx.View(jsonx.Bytes(f.eventType)) == eventTypeSignIn ||
		jsonx.View(jsonx.Bytes(f.eventSource)) == "signin.amazonaws.com" ||
		jsonx.View(jsonx.Bytes(f.eventName)) == "ConsoleLogin"
}

// signInResult returns the string member of v named after the sign-in event.
func signInResult(v *fastjson.Value, name string) []byte {
	if v == nil || v.Type() != fastjson.TypeObject || name == "" {
		return nil
	}
	return jsonx.Bytes(v.Get(name))
}

// firstResourceARN returns resources[0].ARN (the first resource that has one).
func firstResourceARN(res *fastjson.Value) []byte {
	if res == nil || res.Type() != fastjson.TypeArray {
		return nil
	}
	a, _ := res.Array()
	for _, r := range a {
		if r.Type() != fastjson.TypeObject {
			continue
		}
		if s := jsonx.Bytes(r.Get("ARN")); len(s) > 0 {
			return s
		}
		if s := jsonx.Bytes(r.Get("arn")); len(s) > 0 {
			return s
		}
	}
	return nil
}

// targetRank ranks the requestParameters members that name the call's target, most
// specific first (0 best, -1 not a target). They cover the network, scaling and
// identity calls detectors use.
func targetRank(k []byte) int {
	switch jsonx.View(k) {
	case "groupId":
		return 0
	case "networkAclId":
		return 1
	case "prefixListId":
		return 2
	case "instanceName":
		return 3
	case "autoScalingGroupName":
		return 4
	case "dBSecurityGroupName":
		return 5
	case "instanceId":
		return 6
	case "bucketName":
		return 7
	case "functionName":
		return 8
	case "roleName":
		return 9
	case "userName":
		return 10
	case "policyArn":
		return 11
	case "keyId":
		return 12
	case "name":
		return 13
	case "groupName":
		return 14
	}
	return -1
}

// requestTarget returns the best-ranked target id in requestParameters, in one pass.
func requestTarget(rp *fastjson.Value) []byte {
	if rp == nil || rp.Type() != fastjson.TypeObject {
		return nil
	}
	o, _ := rp.Object()
	var best []byte
	bestRank := -1
	o.Visit(func(k []byte, v *fastjson.Value) {
		r := targetRank(k)
		if r < 0 || (bestRank >= 0 && r >= bestRank) {
			return
		}
		if b := jsonx.Bytes(v); len(b) > 0 {
			best, bestRank = b, r
		}
	})
	return best
}

// callAttrs is the most attributes an API call gets before decodeAction: rpc.service,
// rpc.method, event id, source, user agent, outcome, error.type, user.id, principal
// type, access key id, credential type, mfa, resource id.
const callAttrs = 13

// actionAttrs is how many attributes decodeAction may add for the call.
func actionAttrs(name []byte) int {
	switch jsonx.View(name) {
	case "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
		"ModifySecurityGroupRules", "DeleteSecurityGroup", "CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry",
		"CreateManagedPrefixList", "ModifyManagedPrefixList", "OpenInstancePublicPorts", "PutInstancePublicPorts", "CloseInstancePublicPorts",
		"AuthorizeDBSecurityGroupIngress", "RevokeDBSecurityGroupIngress",
		"AuthorizeClusterSecurityGroupIngress", "RevokeClusterSecurityGroupIngress",
		"AuthorizeCacheSecurityGroupIngress", "RevokeCacheSecurityGroupIngress":
		return 2 // cloud.network_rule.change, cloud.network_rule.rules
	case "SetDesiredCapacity", "UpdateAutoScalingGroup", "CreateAutoScalingGroup":
		return 6 // autoscaler.group.name/kind, cloud.scaling.*
	}
	return 0
}

// decodeAction adds what is specific to the call: network-rule changes and scaling
// actions. It returns the call's target id (security group, NACL, prefix list,
// instance, scaling group) for cloud.resource_id.
func decodeAction(ev *event.Event, f *fields, name []byte) string {
	switch jsonx.View(name) {
	case "AuthorizeSecurityGroupIngress":
		return securityGroupChange(ev, f, schema.ChangeAdd, schema.DirectionIngress)
	case "AuthorizeSecurityGroupEgress":
		return securityGroupChange(ev, f, schema.ChangeAdd, schema.DirectionEgress)
	case "RevokeSecurityGroupIngress":
		return securityGroupChange(ev, f, schema.ChangeRemove, schema.DirectionIngress)
	case "RevokeSecurityGroupEgress":
		return securityGroupChange(ev, f, schema.ChangeRemove, schema.DirectionEgress)
	case "ModifySecurityGroupRules":
		return modifySecurityGroupRules(ev, f)
	case "DeleteSecurityGroup":
		schema.PutRules(ev.Attrs().Map, schema.ChangeRemove, nil)
		return ev.Str(requestTarget(f.requestParameters))
	case "CreateNetworkAclEntry":
		return networkACLEntry(ev, f, schema.ChangeAdd)
	case "ReplaceNetworkAclEntry":
		return networkACLEntry(ev, f, schema.ChangeModify)
	case "DeleteNetworkAclEntry":
		return networkACLEntry(ev, f, schema.ChangeRemove)
	case "CreateManagedPrefixList", "ModifyManagedPrefixList":
		return managedPrefixList(ev, f)
	case "OpenInstancePublicPorts", "PutInstancePublicPorts":
		return lightsailPorts(ev, f, schema.ChangeAdd)
	case "CloseInstancePublicPorts":
		return lightsailPorts(ev, f, schema.ChangeRemove)
	case "AuthorizeDBSecurityGroupIngress", "AuthorizeClusterSecurityGroupIngress", "AuthorizeCacheSecurityGroupIngress":
		return dbSecurityGroupIngress(ev, f, schema.ChangeAdd)
	case "RevokeDBSecurityGroupIngress", "RevokeClusterSecurityGroupIngress", "RevokeCacheSecurityGroupIngress":
		return dbSecurityGroupIngress(ev, f, schema.ChangeRemove)
	case "SetDesiredCapacity", "UpdateAutoScalingGroup", "CreateAutoScalingGroup":
		return scalingCall(ev, f)
	}
	return ""
}
