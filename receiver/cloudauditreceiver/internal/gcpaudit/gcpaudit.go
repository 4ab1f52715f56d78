// Package gcpaudit decodes one GCP Cloud Audit Logs LogEntry (protoPayload of type
// google.cloud.audit.AuditLog; activity, system_event, data_access and policy logs)
// into the normalised schema: identity, outcome, network-rule changes of VPC
// firewalls and firewall policies, and managed-instance-group scaling.
//
// Envelopes (gzip, NDJSON, arrays, Pub/Sub) are unwrapped by the decode pipeline;
// this package sees one LogEntry value.
package gcpaudit

import (
	"bytes"
	"errors"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

const auditLogType = "type.googleapis.com/google.cloud.audit.AuditLog"

var errNotObject = errors.New("gcp audit: LogEntry is not a JSON object")

// protoPayload returns the LogEntry's protoPayload (or the lower-cased export
// spelling, or the protopayload_auditlog column of a BigQuery log sink's table).
func protoPayload(v *fastjson.Value) *fastjson.Value {
	pp := jsonx.Either(v, "protoPayload", "protopayload")
	if pp == nil {
		pp = v.Get("protopayload_auditlog")
	}
	if pp == nil || pp.Type() != fastjson.TypeObject {
		return nil
	}
	return pp
}

// Matches reports whether v is a Cloud Audit Logs LogEntry: its protoPayload is an
// AuditLog, or its logName is one of the cloudaudit.googleapis.com logs. Exports that
// drop "@type" still match when protoPayload carries the AuditLog's serviceName and
// methodName.
func Matches(v *fastjson.Value) bool {
	if v == nil || v.Type() != fastjson.TypeObject {
		return false
	}
	if pp := protoPayload(v); pp != nil {
		t := str(pp, "@type", "at_sign_type")
		if t != nil {
			if jsonx.View(t) == auditLogType {
				return true
			}
		} else if pp.Get("methodName") != nil && pp.Get("serviceName") != nil {
			return true
		}
	}
	return bytes.Contains(str(v, "logName", "logname"), []byte("cloudaudit.googleapis.com"))
}

// Decode fills ev from one LogEntry. A LogEntry without an AuditLog payload (e.g. a
// load-balancer request log on a pinned gcp_audit source) is skipped.
func Decode(v *fastjson.Value, ev *event.Event) error {
	if v == nil || v.Type() != fastjson.TypeObject {
		return errNotObject
	}
	pp := protoPayload(v)
	if pp == nil {
		return event.ErrSkip
	}
	ev.Provider = schema.ProviderGCP
	resource := v.Get("resource")
	labels := resource.Get("labels") // Get on nil is nil
	logName := str(v, "logName", "logname")
	resourceName := pp.GetStringBytes("resourceName")

	decodeIdentity(ev, labels, logName, resourceName)

	ts := v.GetStringBytes("timestamp")
	if len(ts) == 0 {
		ts = str(v, "receiveTimestamp", "receivetimestamp")
	}
	ev.SetTime(parseTime(ts))

	service := pp.GetStringBytes("serviceName")
	method := pp.GetStringBytes("methodName")
	ev.PutBytes(schema.AttrRPCService, service)
	ev.PutBytes(schema.AttrRPCMethod, method)
	ev.PutBytes(schema.AttrResourceID, resourceName)
	ev.PutBytes(schema.AttrEventID, str(v, "insertId", "insertid"))

	decodeOutcome(ev, pp.Get("status"))
	decodeCaller(ev, pp)
	decodeOperation(ev, v.Get("operation"))

	decodeChange(ev, pp, resourceName, labels, method)
	return nil
}

// decodeIdentity sets the resource identity: project, region and (for GKE) cluster.
func decodeIdentity(ev *event.Event, labels *fastjson.Value, logName, resourceName []byte) {
	project := labels.GetStringBytes("project_id")
	if len(project) == 0 {
		project = segmentAfter(logName, "projects/")
	}
	if len(project) == 0 {
		if p := segmentAfter(resourceName, "projects/"); len(p) > 0 && !bytes.Equal(p, []byte("_")) {
			project = p
		}
	}
	ev.AccountID = ev.Str(project)

	loc := labels.GetStringBytes("location")
	if len(loc) == 0 {
		loc = labels.GetStringBytes("region")
	}
	if len(loc) == 0 {
		loc = labels.GetStringBytes("zone")
	}
	if len(loc) == 0 {
		if loc = segmentAfter(resourceName, "/zones/"); len(loc) == 0 {
			if loc = segmentAfter(resourceName, "/regions/"); len(loc) == 0 {
				loc = segmentAfter(resourceName, "/locations/")
			}
		}
	}
	ev.Region = ev.Str(regionOf(loc))

	if c := labels.GetStringBytes("cluster_name"); len(c) > 0 {
		ev.K8sCluster = ev.Str(c)
	}
}

// regionOf turns a zone ("us-central1-a") into its region ("us-central1"); regions
// and multi-regions pass through; "global" and "-" (unset) give no region.
func regionOf(loc []byte) []byte {
	switch jsonx.View(loc) {
	case "", "global", "-":
		return nil
	}
	n := len(loc)
	if n >= 4 && loc[n-2] == '-' && loc[n-1] >= 'a' && loc[n-1] <= 'z' && loc[n-3] >= '0' && loc[n-3] <= '9' {
		return loc[:n-2]
	}
	return loc
}

// decodeOutcome: status absent or code 0 is success; any other code is a failure
// named by its google.rpc.Code.
//
// Some re-serialisers write the enum name ("PERMISSION_DENIED") instead of the number.
func decodeOutcome(ev *event.Event, status *fastjson.Value) {
	cv := status.Get("code")
	code, ok := jsonx.Int(cv)
	if !ok {
		if name := jsonx.Bytes(cv); len(name) > 0 && !jsonx.EqualFold(name, "OK") {
			ev.SetOutcome(false, ev.Str(name))
			return
		}
		ev.SetOutcome(true, "")
		return
	}
	if code == 0 {
		ev.SetOutcome(true, "")
		return
	}
	ev.SetOutcome(false, codeName(code))
}

// hasFields reports whether v is an object with at least one member.
func hasFields(v *fastjson.Value) bool {
	if v == nil || v.Type() != fastjson.TypeObject {
		return false
	}
	o, _ := v.Object()
	return o.Len() > 0
}

// decodeCaller sets who called, from where, with which credential.
func decodeCaller(ev *event.Event, pp *fastjson.Value) {
	auth := pp.Get("authenticationInfo")
	principal := auth.GetStringBytes("principalEmail")
	if len(principal) == 0 {
		principal = auth.GetStringBytes("principalSubject")
	}
	ev.PutBytes(schema.AttrUserID, principal)
	ptype := principalType(principal)
	if hasFields(auth.Get("thirdPartyPrincipal")) {
		// principalEmail is then the service account (often a service agent such
		// as Firebase Rules) acting for an identity from another issuer, e.g. a
		// Firebase Auth or external OIDC token: the real caller is federated.
		ptype = schema.PrincipalFederated
	}
	ev.PutStr(schema.AttrPrincipalType, ptype)
	switch {
	case len(auth.GetStringBytes("serviceAccountKeyName")) > 0:
		// A user-managed key file signed the token: long-lived, exportable secret.
		ev.PutStr(schema.AttrCredentialType, schema.CredentialServiceAccountKey)
	case ptype != "":
		// OAuth access tokens, impersonation (serviceAccountDelegationInfo) and
		// federated tokens are all short-lived bearer tokens.
		ev.PutStr(schema.AttrCredentialType, schema.CredentialToken)
	}

	rm := pp.Get("requestMetadata")
	ip := rm.GetStringBytes("callerIp")
	if len(ip) == 0 {
		ip = rm.GetStringBytes("callerIP")
	}
	ev.PutBytes(schema.AttrSourceAddress, ip)
	ev.PutBytes(schema.AttrUserAgent, rm.GetStringBytes("callerSuppliedUserAgent"))
}

// decodeOperation carries LogEntry.operation so one long-running change, logged at
// its start (first) and end (last), is counted once downstream. An entry that is both
// first and last is reported as "first".
func decodeOperation(ev *event.Event, op *fastjson.Value) {
	if op == nil {
		return
	}
	ev.PutBytes(schema.AttrOperationID, op.GetStringBytes("id"))
	if op.GetBool("first") {
		ev.Attrs().PutStr(schema.AttrOperationStage, "first")
	} else if op.GetBool("last") {
		ev.Attrs().PutStr(schema.AttrOperationStage, "last")
	}
}

// computeMethod strips the API version prefix of a Compute Engine method
// ("v1.compute.firewalls.insert", "beta.compute.…", "compute.autoscalers.resize")
// and returns the "<collection>.<verb>" part, or nil for other services.
func computeMethod(method []byte) []byte {
	i := bytes.Index(method, []byte("compute."))
	if i < 0 {
		return nil
	}
	// Only a version prefix may precede "compute." (v1., beta., alpha.).
	if i > 0 && (method[i-1] != '.' || bytes.IndexByte(method[:i-1], '.') >= 0) {
		return nil
	}
	return method[i+len("compute."):]
}

// decodeChange adds network-rule and scaling attributes for the methods that carry them.
func decodeChange(ev *event.Event, pp *fastjson.Value, resourceName []byte, labels *fastjson.Value, method []byte) {
	m := computeMethod(method)
	if m == nil {
		return
	}
	switch jsonx.View(m) {
	case "firewalls.insert":
		firewallChange(ev, pp, resourceName, schema.ChangeAdd, false)
	case "firewalls.update":
		firewallChange(ev, pp, resourceName, schema.ChangeModify, false)
	case "firewalls.patch":
		firewallChange(ev, pp, resourceName, schema.ChangeModify, true)
	case "firewalls.delete":
		firewallDelete(ev, pp, resourceName)
	case "firewallPolicies.addRule", "networkFirewallPolicies.addRule", "regionNetworkFirewallPolicies.addRule":
		policyRuleChange(ev, pp, resourceName, schema.ChangeAdd)
	case "firewallPolicies.patchRule", "networkFirewallPolicies.patchRule", "regionNetworkFirewallPolicies.patchRule":
		policyRuleChange(ev, pp, resourceName, schema.ChangeModify)
	case "firewallPolicies.removeRule", "networkFirewallPolicies.removeRule", "regionNetworkFirewallPolicies.removeRule":
		policyRuleChange(ev, pp, resourceName, schema.ChangeRemove)
	case "firewallPolicies.insert", "networkFirewallPolicies.insert", "regionNetworkFirewallPolicies.insert":
		policyInsertOrPatch(ev, pp, resourceName, schema.ChangeAdd)
	case "firewallPolicies.patch", "networkFirewallPolicies.patch", "regionNetworkFirewallPolicies.patch":
		policyInsertOrPatch(ev, pp, resourceName, schema.ChangeModify)
	case "autoscalers.resize", "regionAutoscalers.resize":
		autoscalerResize(ev, pp, resourceName, labels)
	case "instanceGroupManagers.resize", "regionInstanceGroupManagers.resize",
		"instanceGroupManagers.resizeAdvanced", "regionInstanceGroupManagers.resizeAdvanced":
		groupResize(ev, pp, resourceName, labels)
	}
}
