package azureactivity

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

func TestMatchesOtherFormats(t *testing.T) {
	for name, doc := range map[string]string{
		"cloudtrail": `{"eventVersion":"1.08","eventTime":"2025-03-04T09:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"us-east-1"}`,
		"gcp":        `{"insertId":"x","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity","protoPayload":{"methodName":"v1.compute.firewalls.insert"},"timestamp":"2025-03-04T09:00:00Z"}`,
		"k8s":        `{"kind":"Event","reason":"SuccessfulRescale","involvedObject":{"kind":"HorizontalPodAutoscaler"}}`,
		"array":      `[1,2]`,
		"opnumber":   `{"operationName":5,"time":"x"}`,
		"oponly":     `{"operationName":"Microsoft.Network/x/write"}`,
	} {
		var p fastjson.Parser
		v, err := p.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		assert.False(t, Matches(v), name)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, doc := range []string{`[]`, `"x"`, `{}`, `{"foo":"bar"}`, `{"time":"2025-03-04T09:00:00Z"}`} {
		var p fastjson.Parser
		v, _ := p.Parse(doc)
		assert.Error(t, Decode(v, event.New()), doc)
	}
	assert.Error(t, Decode(nil, event.New()))
}

func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, path := range files {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"operationName":"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE","time":"2025","properties":{"requestbody":"{\"properties\":{\"destinationPortRanges\":[\"65535-1\",\"99999\",\"-\",\",,\"]}}"}}`))
	f.Add([]byte(`{"operationName":{"value":"Microsoft.Insights/AutoscaleSettings/Scaleup/Action"},"eventDataId":"x","properties":{"eventProperties":"{\"OldInstancesCount\":\"a\",\"ActiveAutoscaleProfile\":\"{\\\"Capacity\\\":7}\"}"}}`))
	f.Add([]byte(`{"operationName":"Microsoft.Network/azureFirewalls/write","time":"2025-03-04 09:00:00.1","properties":{"requestbody":{"properties":{"natRuleCollections":[{"properties":{"rules":[{"protocols":"TCP","translatedPort":3389}]}}]}}}}`))
	f.Add([]byte(`{"OperationName":{"Value":"Microsoft.Network/networkSecurityGroups/write"},"EventTimestamp":"/Date(-99999999999999999)/","Claims":{"Content":{"Content":{"amr":"wiaormfa"}}},"Properties":{"Content":{"eventProperties":"{\"requestbody\":\"{}\"}"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p fastjson.Parser
		v, err := p.ParseBytes(data)
		if err != nil {
			return
		}
		_ = Matches(v)
		_ = Decode(v, event.New())
	})
}
