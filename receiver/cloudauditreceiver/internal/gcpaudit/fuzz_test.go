package gcpaudit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// FuzzDecode checks that no input makes Matches or Decode panic, and that every
// emitted rule is well formed.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"protoPayload":{"methodName":"v1.compute.firewalls.patch","serviceName":"compute.googleapis.com","request":{"alloweds":[{"IPProtocol":6,"ports":[22,"x","70000","5-1"]}],"sourceRanges":[1,null]},"resourceOriginalState":[]}}`))
	f.Add([]byte(`{"protoPayload":{"methodName":"compute.autoscalers.resize","serviceName":"c","metadata":{"newSize":"9999999999999999999","oldSize":-1,"autoscalingReason":{"scalingLimit":{"name":"MAX_INSTANCES","limitPolicy":{"maxNumReplicas":"x"}}}}}}`))
	f.Add([]byte(`{"protoPayload":{"methodName":"v1.compute.firewallPolicies.removeRule","serviceName":"c"},"status":{"code":"7"}}`))
	f.Add([]byte(`{"protoPayload":{"methodName":"v1.compute.networkFirewallPolicies.insert","serviceName":"c","request":{"rules":[{"priority":"x","match":{"srcSecureTags":[{"name":1},"t"],"layer4Configs":[{"ipProtocol":58}]}},null]}}}`))
	f.Add([]byte(`{"protopayload_auditlog":{"methodName":"m","serviceName":"s","status":{"code":"OK"},"authenticationInfo":{"thirdPartyPrincipal":{"a":1},"principalSubject":"principal://iam.googleapis.com/projects/-/serviceAccounts/"}},"timestamp":"2024-06-10 07:12:25.118342 UTC"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p fastjson.Parser
		v, err := p.ParseBytes(data)
		if err != nil {
			return
		}
		_ = Matches(v)
		ev := event.New()
		_ = Decode(v, ev)
		_, _ = ev.Attrs().Get("cloud.network_rule.rules")
	})
}
