package cloudauditreceiver

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/decode"
)

// End-to-end exposure scenarios: raw audit events written from the clouds' documented
// formats (CloudTrail records, GCP Cloud Audit Logs LogEntry, Azure Activity Log
// diagnostic records), decoded by the real decoder and run through the real
// clouddetect processor with its default configuration. Each scenario's events run in
// order through one processor, so stateful cases (rule ids, first-seen) see their
// history; the expectation is about the record of the LAST event.
//
// Scores follow docs/detections/exposure.md:
// 85 × breadth × port risk × identity × direction, rounded; bands <20 info, <40 low,
// <60 medium, <80 high, ≥80 critical.

const (
	ruleAnySource = "cloudwarden.exposure.any_source_ingress"
	ruleHighRisk  = "cloudwarden.exposure.high_risk_port_ingress"
	ruleAllPorts  = "cloudwarden.exposure.all_ports_ingress"
	ruleEgress    = "cloudwarden.exposure.any_destination_egress"
	ruleDenyGone  = "cloudwarden.exposure.deny_rule_removed"
)

// expect describes the SPEC §3 attributes of the last record. uuid "" means no
// detection at all; severity "info-or-none" accepts either no detection or info.
type expect struct {
	uuid     string
	rules    []string // must all appear in detection.rules (or be the uuid)
	severity string
	score    int64    // exact detection.score; -1 to skip
	maxScore int64    // when > 0, detection.score must not exceed it
	reason   []string // substrings of detection.reason
}

type exposureScenario struct {
	name   string
	events []string
	want   expect
}

var none = expect{score: -1}

func TestExposureScenarios(t *testing.T) {
	var all []exposureScenario
	all = append(all, awsScenarios()...)
	all = append(all, gcpScenarios()...)
	all = append(all, azureScenarios()...)
	for _, sc := range all {
		t.Run(sc.name, func(t *testing.T) {
			recs := runScenario(t, sc.events)
			require.NotEmpty(t, recs[len(recs)-1], "last event decoded to no record")
			last := recs[len(recs)-1]
			checkExpect(t, last[len(last)-1], sc.want)
		})
	}
}

func checkExpect(t *testing.T, rec plog.LogRecord, w expect) {
	t.Helper()
	attrs := rec.Attributes()
	uuid, has := attrs.Get("security_rule.uuid")
	if w.uuid == "" {
		if w.severity == "info-or-none" && has {
			sev, _ := attrs.Get("detection.severity")
			require.Equal(t, "info", sev.Str(), "reason: %s", reason(rec))
			return
		}
		if has {
			t.Fatalf("unexpected detection %s: %s", uuid.Str(), reason(rec))
		}
		return
	}
	require.True(t, has, "no detection; attributes: %v", attrs.AsRaw())
	t.Logf("%s: %s", uuid.Str(), reason(rec))
	require.Equal(t, w.uuid, uuid.Str(), "reason: %s", reason(rec))
	var fired []string
	if rs, ok := attrs.Get("detection.rules"); ok {
		for _, v := range rs.Slice().All() {
			fired = append(fired, v.Str())
		}
	} else {
		fired = []string{uuid.Str()}
	}
	for _, r := range w.rules {
		require.Contains(t, fired, r, "reason: %s", reason(rec))
	}
	sev, _ := attrs.Get("detection.severity")
	require.Equal(t, w.severity, sev.Str(), "reason: %s", reason(rec))
	score, _ := attrs.Get("detection.score")
	if w.score >= 0 {
		require.Equal(t, w.score, score.Int(), "reason: %s", reason(rec))
	}
	if w.maxScore > 0 {
		require.LessOrEqual(t, score.Int(), w.maxScore, "reason: %s", reason(rec))
	}
	for _, s := range w.reason {
		require.Contains(t, reason(rec), s)
	}
	cat, _ := attrs.Get("security_rule.category")
	require.Equal(t, "exposure", cat.Str())
	an, _ := attrs.Get("detection.analytic")
	require.Equal(t, "AN1188", an.Str())
	tech, ok := attrs.Get("threat.technique.id")
	require.True(t, ok)
	require.True(t, slices.Contains(tech.Slice().AsRaw(), any("T1562.007")), "techniques %v", tech.AsRaw())
}

// runScenario decodes every event with the real decoder and runs them, in order, through
// one default clouddetect processor. It returns the records of each event.
func runScenario(t *testing.T, events []string) [][]plog.LogRecord {
	t.Helper()
	d, err := decode.New(decode.Config{})
	require.NoError(t, err)
	logs := plog.NewLogs()
	out := make([][]plog.LogRecord, len(events))
	for i, e := range events {
		batch := plog.NewLogs()
		res := d.Decode([]byte(e), fmt.Sprintf("scenario-%d.json", i), 1, batch, func(b decode.BadRecord) {
			t.Errorf("event %d rejected: %+v", i, b)
		})
		require.Equal(t, 0, res.Rejected, "event %d", i)
		for _, rl := range batch.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, r := range sl.LogRecords().All() {
					out[i] = append(out[i], r)
				}
			}
		}
		batch.ResourceLogs().MoveAndAppendTo(logs.ResourceLogs())
	}
	f := clouddetectprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*clouddetectprocessor.Config)
	sink := new(consumertest.LogsSink)
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	require.NoError(t, p.ConsumeLogs(context.Background(), logs))
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// base time of every scenario; first-seen needs more than the 24h warm-up after it.
var t0 = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) string { return t0.Add(d).Format(time.RFC3339) }

// ---------------------------------------------------------------------------------
// AWS CloudTrail

const awsAccount = "111122223333"

type obj = map[string]any

func roleSession(name string) obj {
	return obj{
		"type": "AssumedRole", "principalId": "AROAEXAMPLEROLEID0001:" + name,
		"arn":         "arn:aws:sts::" + awsAccount + ":assumed-role/NetworkAdmin/" + name,
		"accountId":   awsAccount,
		"accessKeyId": "ASIAEXAMPLETEMP00001",
		"sessionContext": obj{
			"sessionIssuer": obj{"type": "Role", "principalId": "AROAEXAMPLEROLEID0001",
				"arn": "arn:aws:iam::" + awsAccount + ":role/NetworkAdmin", "accountId": awsAccount, "userName": "NetworkAdmin"},
			"attributes": obj{"creationDate": at(-time.Hour), "mfaAuthenticated": "false"},
		},
	}
}

func rootKey() obj {
	return obj{"type": "Root", "principalId": awsAccount, "arn": "arn:aws:iam::" + awsAccount + ":root",
		"accountId": awsAccount, "accessKeyId": "AKIAEXAMPLEROOTKEY01"}
}

func iamUserKey(name string) obj {
	return obj{"type": "IAMUser", "principalId": "AIDAEXAMPLEUSER00001", "arn": "arn:aws:iam::" + awsAccount + ":user/" + name,
		"accountId": awsAccount, "accessKeyId": "AKIAEXAMPLEUSERKEY01", "userName": name}
}

type ctCall struct {
	name     string
	who      obj
	when     time.Duration
	ip, ua   string
	req      any
	resp     any // nil: JSON null
	errCode  string
	errMsg   string
	readOnly bool
}

var ctSeq int

func (c ctCall) json() string {
	ctSeq++
	if c.ip == "" {
		c.ip = "198.51.100.23"
	}
	if c.ua == "" {
		c.ua = "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9"
	}
	id := fmt.Sprintf("4c0a8d3e-1b2f-4e5a-9c7d-%012d", ctSeq)
	m := obj{
		"eventVersion": "1.10", "userIdentity": c.who, "eventTime": at(c.when),
		"eventSource": "ec2.amazonaws.com", "eventName": c.name, "awsRegion": "eu-central-1",
		"sourceIPAddress": c.ip, "userAgent": c.ua, "requestParameters": c.req, "responseElements": c.resp,
		"requestID": id, "eventID": id, "readOnly": c.readOnly, "eventType": "AwsApiCall",
		"managementEvent": true, "recipientAccountId": awsAccount, "eventCategory": "Management",
	}
	if c.errCode != "" {
		m["errorCode"] = c.errCode
		m["errorMessage"] = c.errMsg
	}
	return mustJSON(m)
}

// ipPerm is one ipPermissions item (CloudTrail's lower-case EC2 query shape).
func ipPerm(proto string, from, to int, v4, v6 []string) obj {
	p := obj{"ipProtocol": proto, "groups": obj{}, "prefixListIds": obj{}}
	if proto != "-1" {
		p["fromPort"], p["toPort"] = from, to
	}
	items := func(key string, cidrs []string) obj {
		if len(cidrs) == 0 {
			return obj{}
		}
		var it []obj
		for _, c := range cidrs {
			it = append(it, obj{key: c})
		}
		return obj{"items": it}
	}
	p["ipRanges"] = items("cidrIp", v4)
	p["ipv6Ranges"] = items("cidrIpv6", v6)
	return p
}

// authorize builds Authorize/RevokeSecurityGroupIngress/Egress with the response rule
// set CloudTrail records for a successful call (one sgr per CIDR).
func authorize(name string, who obj, when time.Duration, sg, sgr string, egress bool, perm obj) ctCall {
	req := obj{"groupId": sg, "ipPermissions": obj{"items": []obj{perm}}}
	var set []obj
	add := func(key string, ranges any) {
		r, _ := ranges.(obj)
		items, _ := r["items"].([]obj)
		for i, it := range items {
			e := obj{"groupOwnerId": awsAccount, "groupId": sg, "securityGroupRuleId": fmt.Sprintf("%s%d", sgr, i),
				"isEgress": egress, "ipProtocol": perm["ipProtocol"], "fromPort": -1, "toPort": -1}
			if v, ok := perm["fromPort"]; ok {
				e["fromPort"], e["toPort"] = v, perm["toPort"]
			}
			for _, v := range it {
				e[key] = v
			}
			set = append(set, e)
		}
	}
	add("cidrIpv4", perm["ipRanges"])
	add("cidrIpv6", perm["ipv6Ranges"])
	resp := obj{"requestId": "0f0e0d0c-0b0a-4009-8008-000000000001", "_return": true}
	if strings.HasPrefix(name, "Authorize") {
		resp["securityGroupRuleSet"] = obj{"items": set}
	}
	return ctCall{name: name, who: who, when: when, req: req, resp: resp}
}

func ingress(who obj, perm obj) ctCall {
	return authorize("AuthorizeSecurityGroupIngress", who, 0, "sg-0a1b2c3d4e5f60718", "sgr-0aa11bb22cc33dd4", false, perm)
}

func ctStr(c ctCall) string { return c.json() }

func awsScenarios() []exposureScenario {
	role := roleSession("alice")
	world := []string{"0.0.0.0/0"}
	v6world := []string{"::/0"}
	failed := ingress(role, ipPerm("tcp", 22, 22, world, nil))
	failed.resp = nil
	failed.errCode = "Client.UnauthorizedOperation"
	failed.errMsg = "You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/NetworkAdmin/alice is not authorized to perform: ec2:AuthorizeSecurityGroupIngress"
	accessDenied := failed
	accessDenied.errCode = "AccessDenied"

	narrow := authorize("AuthorizeSecurityGroupIngress", role, 0, "sg-0a1b2c3d4e5f60718", "sgr-0narrow00000000", false,
		ipPerm("tcp", 22, 22, []string{"10.0.0.0/8"}, nil))
	modify := func(when time.Duration, ruleID, cidr string) ctCall {
		return ctCall{name: "ModifySecurityGroupRules", who: role, when: when,
			req: obj{"ModifySecurityGroupRulesRequest": obj{"GroupId": "sg-0a1b2c3d4e5f60718",
				"SecurityGroupRule": obj{"SecurityGroupRuleId": ruleID, "tag": 1,
					"SecurityGroupRule": obj{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": cidr, "Description": "ssh"}}}},
			resp: obj{"ModifySecurityGroupRulesResponse": obj{"return": true, "requestId": "7d6c5b4a-0000-4000-8000-000000000002"}}}
	}
	naclEntry := func(name string, when time.Duration, num int, action, proto string, from, to int, cidr string) ctCall {
		req := obj{"networkAclId": "acl-0f1e2d3c4b5a69788", "ruleNumber": num, "egress": false}
		if name != "DeleteNetworkAclEntry" {
			req["ruleAction"] = action
			req["aclProtocol"] = proto
			req["portRange"] = obj{"from": from, "to": to}
			req["cidrBlock"] = cidr
			req["icmpTypeCode"] = obj{}
		}
		return ctCall{name: name, who: role, when: when, req: req,
			resp: obj{"requestId": "1a2b3c4d-0000-4000-8000-000000000003", "_return": true}}
	}
	// First-seen: alice changes a rule on day 0 from the office; on day 2 someone else
	// (another principal, IP and user agent) opens SSH to the world.
	history := authorize("AuthorizeSecurityGroupIngress", role, 0, "sg-0bbbbbbbbbbbbbbbb", "sgr-0hist000000000", false,
		ipPerm("tcp", 443, 443, []string{"10.20.0.0/16"}, nil))
	newcomer := authorize("AuthorizeSecurityGroupIngress", roleSession("mallory"), 50*time.Hour, "sg-0a1b2c3d4e5f60718", "sgr-0new0000000000", false,
		ipPerm("tcp", 22, 22, world, nil))
	newcomer.ip, newcomer.ua = "203.0.113.250", "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.15 md/arch#x86_64 lang/python#3.8.10"
	regular := authorize("AuthorizeSecurityGroupIngress", role, 50*time.Hour, "sg-0a1b2c3d4e5f60718", "sgr-0reg0000000000", false,
		ipPerm("tcp", 22, 22, world, nil))

	return []exposureScenario{
		// --- attacks
		{"aws/ssh-world-ipv4", []string{ctStr(ingress(role, ipPerm("tcp", 22, 22, world, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"0.0.0.0/0", "22"}}},
		{"aws/rdp-world-ipv6", []string{ctStr(ingress(role, ipPerm("tcp", 3389, 3389, nil, v6world)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"::/0", "3389"}}},
		{"aws/postgres-world-v4-and-v6", []string{ctStr(ingress(role, ipPerm("tcp", 5432, 5432, world, v6world)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"5432"}}},
		{"aws/all-protocols-world", []string{ctStr(ingress(role, ipPerm("-1", 0, 0, world, nil)))},
			expect{uuid: ruleAllPorts, rules: []string{ruleHighRisk, ruleAnySource}, severity: "critical", score: 85}},
		{"aws/tcp-all-ports-world", []string{ctStr(ingress(role, ipPerm("tcp", 0, 65535, world, nil)))},
			expect{uuid: ruleAllPorts, rules: []string{ruleAnySource}, severity: "critical", score: 85}},
		{"aws/range-0-1024-contains-ssh", []string{ctStr(ingress(role, ipPerm("tcp", 0, 1024, world, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 81}},
		{"aws/modify-narrow-to-world", []string{ctStr(narrow), ctStr(modify(time.Minute, "sgr-0narrow000000000", "0.0.0.0/0"))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"was 10.0.0.0/8"}}},
		{"aws/modify-unknown-rule-to-world", []string{ctStr(modify(0, "sgr-0neverseen000000", "0.0.0.0/0"))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "medium", score: 58, reason: []string{"possibly"}}},
		{"aws/nacl-deny-removed", []string{
			ctStr(naclEntry("CreateNetworkAclEntry", 0, 90, "deny", "6", 22, 22, "0.0.0.0/0")),
			ctStr(naclEntry("CreateNetworkAclEntry", time.Minute, 100, "allow", "6", 22, 22, "10.0.0.0/8")),
			ctStr(naclEntry("DeleteNetworkAclEntry", 2*time.Minute, 90, "", "", 0, 0, "")),
		}, expect{uuid: ruleDenyGone, severity: "medium", score: 58, reason: []string{"0.0.0.0/0"}}},
		{"aws/nacl-allow-all-world", []string{ctStr(naclEntry("CreateNetworkAclEntry", 0, 100, "allow", "-1", 0, 0, "0.0.0.0/0"))},
			expect{uuid: ruleAllPorts, rules: []string{ruleAnySource}, severity: "critical", score: 85}},
		{"aws/egress-smtp-world", []string{ctStr(authorize("AuthorizeSecurityGroupEgress", role, 0, "sg-0a1b2c3d4e5f60718", "sgr-0egress00000000", true,
			ipPerm("tcp", 25, 25, world, nil)))},
			expect{uuid: ruleEgress, severity: "low", score: 29, reason: []string{"25"}}},
		{"aws/root-long-term-key-no-mfa", []string{ctStr(ingress(rootKey(), ipPerm("tcp", 22, 22, world, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 100, reason: []string{"root", "AKIAEXAMPLEROOTKEY01", "no MFA"}}},
		{"aws/iam-user-long-term-key", []string{ctStr(ingress(iamUserKey("deploy"), ipPerm("tcp", 22, 22, world, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 90, reason: []string{"long-term key", "no MFA"}}},
		{"aws/first-seen-principal", []string{ctStr(history), ctStr(newcomer)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 90, reason: []string{"first-seen principal", "203.0.113.250"}}},
		// --- benign
		{"aws/known-principal-control", []string{ctStr(history), ctStr(regular)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72}},
		{"aws/private-cidr", []string{ctStr(ingress(role, ipPerm("tcp", 22, 22, []string{"10.0.0.0/8", "172.16.0.0/12"}, []string{"fd00::/8"})))}, none},
		{"aws/corporate-public-24", []string{ctStr(ingress(role, ipPerm("tcp", 3389, 3389, []string{"203.0.113.0/24"}, nil)))}, none},
		{"aws/world-443-only", []string{ctStr(ingress(role, ipPerm("tcp", 443, 443, world, nil)))},
			expect{uuid: ruleAnySource, severity: "info", score: 9}},
		{"aws/revoke-world-ssh", []string{ctStr(authorize("RevokeSecurityGroupIngress", role, 0, "sg-0a1b2c3d4e5f60718", "", false,
			ipPerm("tcp", 22, 22, world, nil)))}, none},
		{"aws/default-egress", []string{ctStr(authorize("AuthorizeSecurityGroupEgress", role, 0, "sg-0a1b2c3d4e5f60718", "sgr-0defegress0000", true,
			ipPerm("-1", 0, 0, world, nil)))}, expect{uuid: ruleEgress, severity: "info", score: 10}},
		{"aws/describe-security-groups", []string{ctStr(ctCall{name: "DescribeSecurityGroups", who: role, readOnly: true,
			req: obj{"securityGroupSet": obj{}, "securityGroupIdSet": obj{"items": []obj{{"groupId": "sg-0a1b2c3d4e5f60718"}}}, "filterSet": obj{}}})}, none},
		{"aws/failed-unauthorized", []string{ctStr(failed)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "info", score: -1, maxScore: 19, reason: []string{"Failed call", "Client.UnauthorizedOperation"}}},
		{"aws/failed-access-denied", []string{ctStr(accessDenied)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "info", score: -1, maxScore: 19, reason: []string{"Failed call"}}},
		{"aws/nacl-deny-added", []string{ctStr(naclEntry("CreateNetworkAclEntry", 0, 90, "deny", "6", 22, 22, "0.0.0.0/0"))}, none},
	}
}

// ---------------------------------------------------------------------------------
// GCP Cloud Audit Logs

const gcpProject = "acme-prod-4821"

type gcpCall struct {
	method   string
	who      string
	saKey    bool
	when     time.Duration
	ip, ua   string
	fw       string // firewall name
	req      obj    // request body (nil: none, e.g. the operation's last entry)
	orig     obj    // resourceOriginalState
	code     int    // google.rpc.Code; 0 success
	opID     string
	last     bool
	readOnly bool
}

var gcpSeq int

func (c gcpCall) json() string {
	gcpSeq++
	if c.who == "" {
		c.who = "alice@acme.example"
	}
	if c.ip == "" {
		c.ip = "198.51.100.40"
	}
	if c.ua == "" {
		c.ua = "google-cloud-sdk gcloud/480.0.0 command/gcloud.compute.firewall-rules.create invocation-id/0a1b2c environment/None environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/True from-script/False python/3.11.8 term/xterm-256color (Linux 6.8.0),gzip(gfe)"
	}
	if c.opID == "" {
		c.opID = fmt.Sprintf("operation-17173%08d-61a2b3c4d5e6f-1a2b3c4d-5e6f7a8b", gcpSeq)
	}
	auth := obj{"principalEmail": c.who}
	if c.saKey {
		auth["serviceAccountKeyName"] = "//iam.googleapis.com/projects/" + gcpProject + "/serviceAccounts/" + c.who + "/keys/3f1e2d4c5b6a79880a1b2c3d4e5f6a7b8c9d0e1f"
	}
	verb := c.method[strings.LastIndexByte(c.method, '.')+1:]
	perm := map[string]string{"insert": "create", "patch": "update", "update": "update", "delete": "delete", "list": "list", "get": "get"}[verb]
	pp := obj{
		"@type":              "type.googleapis.com/google.cloud.audit.AuditLog",
		"authenticationInfo": auth,
		"requestMetadata": obj{"callerIp": c.ip, "callerSuppliedUserAgent": c.ua,
			"requestAttributes": obj{"time": at(c.when), "auth": obj{}}, "destinationAttributes": obj{}},
		"serviceName": "compute.googleapis.com",
		"methodName":  c.method,
		"authorizationInfo": []obj{{"permission": "compute.firewalls." + perm, "granted": c.code == 0,
			"resourceAttributes": obj{"service": "compute", "name": "projects/" + gcpProject + "/global/firewalls/" + c.fw, "type": "compute.firewalls"}}},
		"resourceName":     "projects/" + gcpProject + "/global/firewalls/" + c.fw,
		"resourceLocation": obj{"currentLocations": []string{"global"}},
	}
	if c.req != nil {
		r := obj{"@type": "type.googleapis.com/compute.firewalls." + verb}
		for k, v := range c.req {
			r[k] = v
		}
		pp["request"] = r
		pp["response"] = obj{"@type": "type.googleapis.com/operation", "id": "4432198765432109876", "name": c.opID,
			"operationType": verb, "status": "RUNNING", "progress": "0", "insertTime": at(c.when),
			"targetLink": "https://www.googleapis.com/compute/v1/projects/" + gcpProject + "/global/firewalls/" + c.fw,
			"user":       c.who, "selfLink": "https://www.googleapis.com/compute/v1/projects/" + gcpProject + "/global/operations/" + c.opID}
	}
	if c.orig != nil {
		pp["resourceOriginalState"] = c.orig
	}
	severity := "NOTICE"
	logName := "projects/" + gcpProject + "/logs/cloudaudit.googleapis.com%2Factivity"
	if c.readOnly {
		severity = "INFO"
		logName = "projects/" + gcpProject + "/logs/cloudaudit.googleapis.com%2Fdata_access"
	}
	if c.code != 0 {
		severity = "ERROR"
		pp["status"] = obj{"code": c.code, "message": "Required 'compute.firewalls.create' permission for 'projects/" + gcpProject + "/global/firewalls/" + c.fw + "'"}
	}
	entry := obj{
		"protoPayload": pp,
		"insertId":     fmt.Sprintf("-abc%06ddef", gcpSeq),
		"resource":     obj{"type": "gce_firewall_rule", "labels": obj{"project_id": gcpProject, "firewall_rule_id": "5551234567890123456"}},
		"timestamp":    at(c.when), "severity": severity, "logName": logName,
		"receiveTimestamp": at(c.when + time.Second),
	}
	if !c.readOnly && c.code == 0 {
		op := obj{"id": c.opID, "producer": "compute.googleapis.com"}
		if c.last {
			op["last"] = true
		} else {
			op["first"] = true
		}
		entry["operation"] = op
	}
	return mustJSON(entry)
}

func gcpFW(dir string, sources []string, allowed, denied []obj) obj {
	f := obj{"name": "", "network": "https://www.googleapis.com/compute/v1/projects/" + gcpProject + "/global/networks/prod-vpc",
		"direction": dir, "priority": 1000, "targetTags": []string{"web"}}
	if sources != nil {
		if dir == "EGRESS" {
			f["destinationRanges"] = sources
		} else {
			f["sourceRanges"] = sources
		}
	}
	if allowed != nil {
		f["alloweds"] = allowed
	}
	if denied != nil {
		f["denieds"] = denied
	}
	return f
}

func tcp(ports ...string) obj { return obj{"IPProtocol": "tcp", "ports": ports} }

func named(f obj, name string) obj {
	g := obj{}
	for k, v := range f {
		g[k] = v
	}
	g["name"] = name
	return g
}

func gcpInsert(fw string, body obj) gcpCall {
	return gcpCall{method: "v1.compute.firewalls.insert", fw: fw, req: named(body, fw)}
}

func gcpStr(c gcpCall) string { return c.json() }

func gcpScenarios() []exposureScenario {
	world := []string{"0.0.0.0/0"}
	ssh := []obj{tcp("22")}
	narrowSSH := named(gcpFW("INGRESS", []string{"10.128.0.0/9"}, ssh, nil), "allow-ssh")
	denyWorld := named(gcpFW("INGRESS", world, nil, []obj{tcp("22", "3389")}), "deny-admin")
	denyWorld["priority"] = 900

	patchSources := gcpCall{method: "v1.compute.firewalls.patch", fw: "allow-ssh", when: time.Minute,
		req: obj{"sourceRanges": world}}
	patchSourcesOrig := patchSources
	patchSourcesOrig.orig = narrowSSH
	disableDeny := gcpCall{method: "v1.compute.firewalls.patch", fw: "deny-admin", when: time.Minute,
		req: obj{"disabled": true}}
	disableDenyOrig := disableDeny
	disableDenyOrig.orig = denyWorld
	failed := gcpInsert("allow-ssh", gcpFW("INGRESS", world, ssh, nil))
	failed.code = 7

	history := gcpInsert("allow-web", gcpFW("INGRESS", []string{"10.0.0.0/8"}, []obj{tcp("443")}, nil))
	newcomer := gcpInsert("allow-ssh", gcpFW("INGRESS", world, ssh, nil))
	newcomer.when, newcomer.who, newcomer.ip = 49*time.Hour, "contractor@gmail.com", "192.0.2.77"

	saKey := gcpInsert("allow-es", gcpFW("INGRESS", world, []obj{tcp("9200")}, nil))
	saKey.who, saKey.saKey = "ci-runner@"+gcpProject+".iam.gserviceaccount.com", true

	first := gcpInsert("allow-ssh", gcpFW("INGRESS", world, ssh, nil))
	first.opID = "operation-1717300000000-dup-first"
	last := gcpCall{method: "v1.compute.firewalls.insert", fw: "allow-ssh", when: 20 * time.Second, opID: first.opID, last: true}

	return []exposureScenario{
		// --- attacks
		{"gcp/ssh-world", []string{gcpStr(gcpInsert("allow-ssh", gcpFW("INGRESS", world, ssh, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"0.0.0.0/0", "22"}}},
		{"gcp/rdp-world-ipv6", []string{gcpStr(gcpInsert("allow-rdp", gcpFW("INGRESS", []string{"::/0"}, []obj{tcp("3389")}, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"::/0"}}},
		{"gcp/mysql-world-numeric-port-range", []string{gcpStr(gcpInsert("allow-db", gcpFW("INGRESS", world, []obj{tcp("3306-3307")}, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72}},
		{"gcp/all-protocols-world", []string{gcpStr(gcpInsert("allow-all", gcpFW("INGRESS", world, []obj{{"IPProtocol": "all"}}, nil)))},
			expect{uuid: ruleAllPorts, rules: []string{ruleHighRisk, ruleAnySource}, severity: "critical", score: 85}},
		{"gcp/tcp-without-ports-world", []string{gcpStr(gcpInsert("allow-tcp", gcpFW("INGRESS", world, []obj{{"IPProtocol": "tcp"}}, nil)))},
			expect{uuid: ruleAllPorts, rules: []string{ruleAnySource}, severity: "critical", score: 85}},
		{"gcp/ingress-without-source-ranges", []string{gcpStr(gcpInsert("allow-ssh", gcpFW("INGRESS", nil, ssh, nil)))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"0.0.0.0/0"}}},
		{"gcp/patch-only-source-ranges-with-original", []string{gcpStr(patchSourcesOrig)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72}},
		{"gcp/patch-only-source-ranges-after-insert", []string{gcpStr(gcpInsert("allow-ssh", narrowSSH)), gcpStr(patchSources)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"was 10.128.0.0/9"}}},
		{"gcp/deny-disabled-with-original", []string{gcpStr(disableDenyOrig)},
			expect{uuid: ruleDenyGone, severity: "medium", score: 58, reason: []string{"0.0.0.0/0"}}},
		{"gcp/deny-disabled-after-insert", []string{gcpStr(gcpInsert("deny-admin", denyWorld)), gcpStr(disableDeny)},
			expect{uuid: ruleDenyGone, severity: "medium", score: 58}},
		{"gcp/deny-deleted-after-insert", []string{gcpStr(gcpInsert("deny-admin", denyWorld)),
			gcpStr(gcpCall{method: "v1.compute.firewalls.delete", fw: "deny-admin", when: time.Minute})},
			expect{uuid: ruleDenyGone, severity: "medium", score: 58}},
		{"gcp/egress-smtp-world", []string{gcpStr(gcpInsert("allow-smtp-out", gcpFW("EGRESS", world, []obj{tcp("25", "587")}, nil)))},
			expect{uuid: ruleEgress, severity: "low", score: 29}},
		{"gcp/service-account-key", []string{gcpStr(saKey)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 83, reason: []string{"service-account key"}}},
		{"gcp/first-seen-principal", []string{gcpStr(history), gcpStr(newcomer)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 87, reason: []string{"first-seen principal"}}},
		{"gcp/operation-last-entry-is-duplicate", []string{gcpStr(first), gcpStr(last)}, none},
		// --- benign
		{"gcp/iap-range", []string{gcpStr(gcpInsert("allow-iap-ssh", gcpFW("INGRESS", []string{"35.235.240.0/20"}, ssh, nil)))}, none},
		{"gcp/health-checkers", []string{gcpStr(gcpInsert("allow-hc", gcpFW("INGRESS", []string{"35.191.0.0/16", "130.211.0.0/22"}, []obj{tcp("80", "8080")}, nil)))}, none},
		{"gcp/corporate-private", []string{gcpStr(gcpInsert("allow-corp", gcpFW("INGRESS", []string{"10.10.0.0/16", "192.168.0.0/16"}, []obj{tcp("22", "3389")}, nil)))}, none},
		{"gcp/source-tags-only", []string{gcpStr(gcpInsert("allow-internal", obj{"name": "allow-internal", "direction": "INGRESS",
			"sourceTags": []string{"bastion"}, "alloweds": ssh}))}, none},
		{"gcp/delete-world-allow-with-original", []string{gcpStr(gcpCall{method: "v1.compute.firewalls.delete", fw: "allow-ssh",
			orig: named(gcpFW("INGRESS", world, ssh, nil), "allow-ssh")})}, none},
		{"gcp/delete-world-allow-after-insert", []string{gcpStr(gcpInsert("allow-ssh", gcpFW("INGRESS", world, ssh, nil))),
			gcpStr(gcpCall{method: "v1.compute.firewalls.delete", fw: "allow-ssh", when: time.Hour})}, none},
		{"gcp/list-firewalls", []string{gcpStr(gcpCall{method: "v1.compute.firewalls.list", fw: "", readOnly: true})}, none},
		{"gcp/failed-permission-denied", []string{gcpStr(failed)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "info", score: -1, maxScore: 19, reason: []string{"Failed call"}}},
	}
}

// ---------------------------------------------------------------------------------
// Azure Activity Log (diagnostic-settings export)

const (
	azSub = "6f1c2e3d-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
	azNSG = "/SUBSCRIPTIONS/" + azSub + "/RESOURCEGROUPS/RG-APP/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-APP"
)

type azCall struct {
	op            string // write | delete | read
	rule          string
	when          time.Duration
	role          string
	upn, ip       string
	result        string // Start | Success | Failure
	status        string // properties.statusCode on Success/Failure
	reqBody, resp obj    // rule bodies ({"properties": …}); nil: none
	corr          string
	lowerID       bool // resourceId as the REST API writes it (mixed case) rather than upper case
}

var azSeq int

func (c azCall) json() string {
	azSeq++
	if c.role == "" {
		c.role = "Network Contributor"
	}
	if c.upn == "" {
		c.upn = "alex@contoso.example"
	}
	if c.ip == "" {
		c.ip = "203.0.113.10"
	}
	if c.result == "" {
		c.result = "Start"
	}
	if c.corr == "" {
		c.corr = fmt.Sprintf("8b1c2d3e-4f5a-4b6c-8d7e-%012d", azSeq)
	}
	op := "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/" + strings.ToUpper(c.op)
	rid := azNSG + "/SECURITYRULES/" + strings.ToUpper(c.rule)
	if c.lowerID {
		rid = "/subscriptions/" + azSub + "/resourceGroups/rg-app/providers/Microsoft.Network/networkSecurityGroups/nsg-app/securityRules/" + c.rule
	}
	sig := map[string]string{"Start": "Started.", "Accept": "Accepted.Created", "Success": "Succeeded." + c.status, "Failure": "Failed." + c.status}[c.result]
	props := obj{"eventCategory": "Administrative", "entity": rid, "message": "Microsoft.Network/networkSecurityGroups/securityRules/" + c.op,
		"hierarchy": "0f1e2d3c-0000-4000-8000-0000000000aa/" + azSub}
	if c.reqBody != nil {
		props["requestbody"] = mustJSON(c.reqBody)
	}
	if c.resp != nil {
		props["responseBody"] = mustJSON(c.resp)
	}
	if c.status != "" {
		props["statusCode"] = c.status
	}
	if c.result == "Failure" {
		props["statusMessage"] = `{"error":{"code":"AuthorizationFailed","message":"The client 'alex@contoso.example' does not have authorization to perform action 'Microsoft.Network/networkSecurityGroups/securityRules/write'."}}`
	}
	return mustJSON(obj{
		"time": t0.Add(c.when).Format("2006-01-02T15:04:05.0000000Z"), "resourceId": rid, "operationName": op,
		"category": "Administrative", "resultType": c.result, "resultSignature": sig, "durationMs": "0",
		"callerIpAddress": c.ip, "correlationId": c.corr,
		"identity": obj{
			"authorization": obj{"scope": strings.ToLower(rid), "action": "Microsoft.Network/networkSecurityGroups/securityRules/" + c.op,
				"evidence": obj{"role": c.role, "roleAssignmentScope": "/subscriptions/" + azSub, "roleAssignmentId": "0a0b0c0d0e0f40008000000000000001",
					"roleDefinitionId": "4d97b98b1d4f4787a291c67834d212e7", "principalId": strings.ReplaceAll(oidOf(c.upn), "-", ""), "principalType": "User"}},
			"claims": obj{"aud": "https://management.core.windows.net/", "iss": "https://sts.windows.net/0f1e2d3c-0000-4000-8000-0000000000aa/",
				"http://schemas.microsoft.com/claims/authnmethodsreferences": "pwd,mfa", "appid": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
				"idtyp": "user", "ipaddr": c.ip, "name": c.upn,
				"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn":     c.upn,
				"http://schemas.microsoft.com/identity/claims/objectidentifier": oidOf(c.upn),
				"http://schemas.microsoft.com/identity/claims/tenantid":         "0f1e2d3c-0000-4000-8000-0000000000aa"},
		},
		"level": "Information", "location": "westeurope", "properties": props, "tenantId": "0f1e2d3c-0000-4000-8000-0000000000aa",
	})
}

// oidOf gives each user its own Entra object id.
func oidOf(upn string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(upn); i++ {
		h = (h ^ uint32(upn[i])) * 16777619
	}
	return fmt.Sprintf("%08x-2222-4333-8444-555555555555", h)
}

// nsgRule is an NSG security rule body as ARM receives it.
func nsgRule(access, direction, protocol, src, port string) obj {
	p := obj{"protocol": protocol, "sourcePortRange": "*", "destinationPortRange": port,
		"sourceAddressPrefix": src, "destinationAddressPrefix": "*", "access": access, "priority": 310, "direction": direction}
	if direction == "Outbound" {
		p["sourceAddressPrefix"], p["destinationAddressPrefix"] = "VirtualNetwork", src
	}
	return obj{"properties": p}
}

func azWrite(rule string, body obj) azCall { return azCall{op: "write", rule: rule, reqBody: body} }

func azStr(c azCall) string { return c.json() }

func azureScenarios() []exposureScenario {
	written := func(rule string, when time.Duration, status string, body obj) azCall {
		return azCall{op: "write", rule: rule, when: when, result: "Success", status: status, resp: body}
	}
	owner := azWrite("allow-rdp", nsgRule("Allow", "Inbound", "Tcp", "Internet", "3389"))
	owner.role = "Owner"
	failed := azCall{op: "write", rule: "allow-rdp", result: "Failure", status: "Forbidden"}
	history := written("allow-https", 0, "Created", nsgRule("Allow", "Inbound", "Tcp", "10.0.0.0/8", "443"))
	newcomer := azWrite("allow-ssh", nsgRule("Allow", "Inbound", "Tcp", "*", "22"))
	newcomer.when, newcomer.upn, newcomer.ip = 30*time.Hour, "guest_ext#EXT#@contoso.onmicrosoft.com", "192.0.2.200"
	start := azWrite("allow-ssh", nsgRule("Allow", "Inbound", "Tcp", "Internet", "22"))
	start.corr = "dup00000-0000-4000-8000-000000000001"
	success := written("allow-ssh", 10*time.Second, "Created", nsgRule("Allow", "Inbound", "Tcp", "Internet", "22"))
	success.corr = start.corr
	multi := nsgRule("Allow", "Inbound", "Tcp", "", "")
	multi["properties"].(obj)["sourceAddressPrefixes"] = []string{"10.1.0.0/16", "0.0.0.0/0"}
	multi["properties"].(obj)["destinationPortRanges"] = []string{"5985-5986", "22"}
	delete(multi["properties"].(obj), "sourceAddressPrefix")
	delete(multi["properties"].(obj), "destinationPortRange")

	return []exposureScenario{
		// --- attacks
		{"azure/rdp-from-internet", []string{azStr(azWrite("allow-rdp", nsgRule("Allow", "Inbound", "Tcp", "Internet", "3389")))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"Internet", "3389"}}},
		{"azure/ssh-from-star", []string{azStr(azWrite("allow-ssh", nsgRule("Allow", "Inbound", "Tcp", "*", "22")))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72}},
		{"azure/sql-from-any", []string{azStr(azWrite("allow-sql", nsgRule("Allow", "Inbound", "Tcp", "Any", "1433")))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72}},
		{"azure/ssh-from-ipv6-world", []string{azStr(azWrite("allow-ssh6", nsgRule("Allow", "Inbound", "Tcp", "::/0", "22")))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72}},
		{"azure/prefixes-list-winrm-world", []string{azStr(azWrite("allow-mgmt", multi))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 81}},
		{"azure/all-protocols-all-ports", []string{azStr(azWrite("allow-all", nsgRule("Allow", "Inbound", "*", "Internet", "*")))},
			expect{uuid: ruleAllPorts, rules: []string{ruleAnySource}, severity: "critical", score: 85}},
		{"azure/modify-narrow-to-internet", []string{
			azStr(written("allow-ssh", 0, "Created", nsgRule("Allow", "Inbound", "Tcp", "10.0.0.0/8", "22"))),
			azStr(written("allow-ssh", time.Minute, "OK", nsgRule("Allow", "Inbound", "Tcp", "Internet", "22")))},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 72, reason: []string{"was 10.0.0.0/8"}}},
		{"azure/deny-rule-deleted", []string{
			azStr(written("deny-rdp", 0, "Created", nsgRule("Deny", "Inbound", "Tcp", "Internet", "3389"))),
			azStr(azCall{op: "delete", rule: "deny-rdp", when: time.Minute, result: "Success", status: "OK"})},
			expect{uuid: ruleDenyGone, severity: "medium", score: 58, reason: []string{"Internet"}}},
		{"azure/deny-rule-deleted-id-casing-differs", []string{
			azStr(written("deny-rdp", 0, "Created", nsgRule("Deny", "Inbound", "Tcp", "Internet", "3389"))),
			azStr(azCall{op: "delete", rule: "deny-rdp", when: time.Minute, result: "Success", status: "OK", lowerID: true})},
			expect{uuid: ruleDenyGone, severity: "medium", score: 58, reason: []string{"Internet"}}},
		{"azure/egress-smtp-internet", []string{azStr(azWrite("allow-smtp-out", nsgRule("Allow", "Outbound", "Tcp", "Internet", "25")))},
			expect{uuid: ruleEgress, severity: "low", score: 29}},
		{"azure/owner-role", []string{azStr(owner)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "high", score: 79, reason: []string{"Owner role"}}},
		{"azure/first-seen-principal", []string{azStr(history), azStr(newcomer)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "critical", score: 87, reason: []string{"first-seen principal"}}},
		{"azure/success-after-start-is-duplicate", []string{azStr(start), azStr(success)},
			expect{uuid: ruleHighRisk, rules: []string{ruleAnySource}, severity: "info", score: -1, reason: []string{"Duplicate record"}}},
		// --- benign
		{"azure/virtual-network-source", []string{azStr(azWrite("allow-vnet", nsgRule("Allow", "Inbound", "Tcp", "VirtualNetwork", "22")))}, none},
		{"azure/load-balancer-probe", []string{azStr(azWrite("allow-lb", nsgRule("Allow", "Inbound", "*", "AzureLoadBalancer", "*")))}, none},
		{"azure/corporate-private", []string{azStr(azWrite("allow-corp", nsgRule("Allow", "Inbound", "Tcp", "10.50.0.0/16", "3389")))}, none},
		{"azure/deny-from-internet-added", []string{azStr(azWrite("deny-all", nsgRule("Deny", "Inbound", "*", "Internet", "*")))}, none},
		{"azure/delete-world-allow", []string{
			azStr(written("allow-rdp", 0, "Created", nsgRule("Allow", "Inbound", "Tcp", "Internet", "3389"))),
			azStr(azCall{op: "delete", rule: "allow-rdp", when: time.Hour, result: "Success", status: "OK"})}, none},
		{"azure/read-rule", []string{azStr(azCall{op: "read", rule: "allow-rdp", result: "Success", status: "OK"})}, none},
		{"azure/failed-authorization", []string{azStr(failed)}, expect{severity: "info-or-none", score: -1}},
	}
}
