// Package cloudtrail decodes AWS CloudTrail events (bare, and inside EventBridge
// envelopes) into the normalised schema (SPEC §2). The envelope layer unwraps
// delivery formats and hands this package one event value at a time.
//
// The decoder sits on the receiver's hot path: it visits the top-level object once,
// converts each attribute to a string once, and uses no maps, reflection or fmt.
package cloudtrail

import (
	"errors"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

var (
	errNotObject    = errors.New("cloudtrail: event is not a JSON object")
	errNoEventName  = errors.New("cloudtrail: event has no eventName")
	errNoEventTime  = errors.New("cloudtrail: event has no eventTime")
	errNoDetail     = errors.New("eventbridge: envelope has no detail object")
	errNotEventTime = errors.New("eventbridge: envelope has no time")
)

// fields are the top-level members of a CloudTrail event, collected in one pass.
type fields struct {
	eventName, eventSource, eventTime, eventID, eventType  *fastjson.Value
	errorCode, errorMessage, awsRegion, recipientAccountID *fastjson.Value
	sourceIP, userAgent, userIdentity, requestParameters   *fastjson.Value
	responseElements, resources, additionalEventData       *fastjson.Value
	digestHint                                             bool
}

func (f *fields) collect(o *fastjson.Object) {
	o.Visit(func(k []byte, v *fastjson.Value) {
		switch b2s(k) {
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
		case "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "logFiles":
			f.digestHint = true
		}
	})
}

// Matches reports whether v is a bare CloudTrail event: an object with eventName and
// either eventSource or eventVersion. EventBridge envelopes (detail-type) do not match.
func Matches(v *fastjson.Value) bool {
	if v == nil || v.Type() != fastjson.TypeObject {
		return false
	}
	if v.Get("eventName") == nil {
		return false
	}
	return v.Get("eventSource") != nil || v.Get("eventVersion") != nil
}

// Decode fills ev from one CloudTrail event. It returns event.ErrSkip for a digest
// file that reached it, and an error only when the event has no eventName or
// eventTime; any other odd field is skipped and the rest of the event is kept.
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

	name := bytesOf(f.eventName)
	if len(name) == 0 {
		if f.digestHint {
			return event.ErrSkip
		}
		return errNoEventName
	}
	timeText := bytesOf(f.eventTime)
	if len(timeText) == 0 {
		if env == nil || len(env.time) == 0 {
			return errNoEventTime
		}
		timeText = env.time
	}
	// An eventTime we cannot read (placeholders in hand-written samples) leaves the
	// timestamp unset rather than losing the record; the pipeline still sets the
	// observed time.
	if t, ok := parseTime(timeText); ok {
		ev.SetTime(t)
	}

	ev.Provider = schema.ProviderAWS
	ev.AccountID = str(f.recipientAccountID)
	if ev.AccountID == "" && f.userIdentity != nil {
		ev.AccountID = strField(f.userIdentity, "accountId")
	}
	ev.Region = str(f.awsRegion)
	if env != nil {
		if ev.AccountID == "" {
			ev.AccountID = string(env.account)
		}
		if ev.Region == "" {
			ev.Region = string(env.region)
		}
	}

	attrs := ev.Attrs()
	attrs.EnsureCapacity(16)
	ev.PutStr(schema.AttrRPCService, str(f.eventSource))
	ev.PutStr(schema.AttrRPCMethod, string(name))
	ev.PutStr(schema.AttrEventID, str(f.eventID))
	ev.PutStr(schema.AttrSourceAddress, str(f.sourceIP))
	ev.PutStr(schema.AttrUserAgent, str(f.userAgent))

	putOutcome(ev, &f)
	putIdentity(ev, &f)

	resourceID := firstResourceARN(f.resources)
	target := decodeAction(ev, &f, name)
	if resourceID == "" {
		resourceID = target
	}
	if resourceID == "" {
		resourceID = requestTarget(f.requestParameters)
	}
	ev.PutStr(schema.AttrResourceID, resourceID)
	return nil
}

// putOutcome: errorCode marks failure. ConsoleLogin failures carry no errorCode, only
// responseElements.ConsoleLogin = "Failure" and an errorMessage.
func putOutcome(ev *event.Event, f *fields) {
	if code := bytesOf(f.errorCode); len(code) > 0 {
		ev.SetOutcome(false, string(code))
		return
	}
	if f.errorCode != nil && f.errorCode.Type() != fastjson.TypeNull && f.errorCode.Type() != fastjson.TypeString {
		// A non-string errorCode is still an error; keep its presence.
		ev.SetOutcome(false, "")
		return
	}
	if f.responseElements != nil && f.responseElements.Type() == fastjson.TypeObject {
		if r := bytesOf(f.responseElements.Get("ConsoleLogin")); len(r) > 0 && b2s(r) != "Success" {
			msg := bytesOf(f.errorMessage)
			if len(msg) == 0 {
				msg = r
			}
			ev.SetOutcome(false, string(msg))
			return
		}
	}
	ev.SetOutcome(true, "")
}

// firstResourceARN returns resources[0].ARN.
func firstResourceARN(res *fastjson.Value) string {
	if res == nil || res.Type() != fastjson.TypeArray {
		return ""
	}
	a, _ := res.Array()
	for _, r := range a {
		if r.Type() != fastjson.TypeObject {
			continue
		}
		if s := strField(r, "ARN"); s != "" {
			return s
		}
		if s := strField(r, "arn"); s != "" {
			return s
		}
	}
	return ""
}

// targetKeys are requestParameters members that name the call's target, most
// specific first. They cover the network, scaling and identity calls detectors use.
var targetKeys = [...]string{
	"groupId", "networkAclId", "prefixListId", "instanceName", "autoScalingGroupName",
	"dBSecurityGroupName", "instanceId", "bucketName", "functionName", "roleName",
	"userName", "policyArn", "keyId", "name", "groupName",
}

// requestTarget returns the first target id found in requestParameters.
func requestTarget(rp *fastjson.Value) string {
	if rp == nil || rp.Type() != fastjson.TypeObject {
		return ""
	}
	for _, k := range targetKeys {
		if s := strField(rp, k); s != "" {
			return s
		}
	}
	return ""
}

// decodeAction adds what is specific to the call: network-rule changes and scaling
// actions. It returns the call's target id (security group, NACL, prefix list,
// instance, scaling group) for cloud.resource_id.
func decodeAction(ev *event.Event, f *fields, name []byte) string {
	switch b2s(name) {
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
		schema.PutRules(ev.Attrs(), schema.ChangeRemove, nil)
		return requestTarget(f.requestParameters)
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
	case "AuthorizeDBSecurityGroupIngress":
		return dbSecurityGroupIngress(ev, f, schema.ChangeAdd)
	case "RevokeDBSecurityGroupIngress":
		return dbSecurityGroupIngress(ev, f, schema.ChangeRemove)
	case "SetDesiredCapacity", "UpdateAutoScalingGroup", "CreateAutoScalingGroup":
		return scalingCall(ev, f)
	}
	return ""
}
