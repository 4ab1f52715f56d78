package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/cloudwarden/cloudwarden/internal/schema"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/pdataslab"
)

const benchRecords = 1000

// benchObject builds, deterministically, a CloudTrail S3 delivery object of n records:
// a mix of EC2, S3, IAM and STS calls by IAM users, assumed roles and AWS services,
// with the request and response shapes those services really log (~1.3 KB each); one
// in eight is an S3 data event (GetObject), the rest management events.
func benchObject(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	accounts := []string{"111122223333", "444455556666", "777788889999"}
	regions := []string{"us-east-1", "us-east-1", "eu-west-1", "ap-southeast-2"}
	agents := []string{"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
		"Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
		"terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1",
		"console.amazonaws.com"}
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		acct := accounts[rng.IntN(len(accounts))]
		region := regions[rng.IntN(len(regions))]
		agent := agents[rng.IntN(len(agents))]
		id := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&0xffffffffffff)
		ip := fmt.Sprintf("%d.%d.%d.%d", 198, 51, 100+rng.IntN(3), rng.IntN(255))
		ts := fmt.Sprintf("2024-03-01T%02d:%02d:%02dZ", rng.IntN(24), rng.IntN(60), rng.IntN(60))
		var identity string
		switch rng.IntN(3) {
		case 0:
			identity = fmt.Sprintf(`{"type":"IAMUser","principalId":"AIDA%016X","arn":"arn:aws:iam::%s:user/deploy-%d","accountId":"%s","accessKeyId":"AKIA%016X","userName":"deploy-%d"}`,
				rng.Uint64(), acct, i%7, acct, rng.Uint64(), i%7)
		case 1:
			identity = fmt.Sprintf(`{"type":"AssumedRole","principalId":"AROA%016X:session-%d","arn":"arn:aws:sts::%s:assumed-role/ci-runner/session-%d","accountId":"%s","accessKeyId":"ASIA%016X",`+
				`"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA%016X","arn":"arn:aws:iam::%s:role/ci-runner","accountId":"%s","userName":"ci-runner"},"webIdFederationData":{},`+
				`"attributes":{"creationDate":"%s","mfaAuthenticated":"false"}}}`, rng.Uint64(), i, acct, i, acct, rng.Uint64(), rng.Uint64(), acct, acct, ts)
		default:
			identity = `{"type":"AWSService","invokedBy":"autoscaling.amazonaws.com"}`
		}
		var source, name, req, resp string
		extra, category := "", "Management" // extra: members only some events have (resources, additionalEventData)
		switch i % 8 {
		case 0:
			source, name = "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"
			req = fmt.Sprintf(`{"groupId":"sg-%017x","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":%d,"toPort":%d,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0","description":"temp"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`, rng.Uint64(), 22, 22)
			resp = fmt.Sprintf(`{"requestId":"%s","_return":true,"securityGroupRuleSet":{"items":[{"groupOwnerId":"%s","groupId":"sg-0a1b","securityGroupRuleId":"sgr-%017x","isEgress":false,"ipProtocol":"tcp","fromPort":22,"toPort":22,"cidrIpv4":"0.0.0.0/0"}]}}`, id, acct, rng.Uint64())
		case 1, 2:
			source, name = "ec2.amazonaws.com", "DescribeInstances"
			req = `{"instancesSet":{},"filterSet":{"items":[{"name":"instance-state-name","valueSet":{"items":[{"value":"running"}]}}]}}`
			resp = `null`
		case 3:
			source, name = "ec2.amazonaws.com", "RunInstances"
			req = fmt.Sprintf(`{"instancesSet":{"items":[{"imageId":"ami-%017x","minCount":1,"maxCount":1}]},"instanceType":"m6i.large","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"clientToken":"%s"}`, rng.Uint64(), id)
			resp = fmt.Sprintf(`{"requestId":"%s","reservationId":"r-%017x","ownerId":"%s","groupSet":{},"instancesSet":{"items":[{"instanceId":"i-%017x","imageId":"ami-0abc","instanceState":{"code":0,"name":"pending"},"privateIpAddress":"10.0.%d.%d","instanceType":"m6i.large"}]}}`,
				id, rng.Uint64(), acct, rng.Uint64(), rng.IntN(255), rng.IntN(255))
		case 4:
			// An S3 data event: documented with resources (object and bucket) and
			// additionalEventData, managementEvent false, eventCategory Data.
			source, name, category = "s3.amazonaws.com", "GetObject", "Data"
			key := fmt.Sprintf("exports/2024/03/01/part-%05d.parquet", rng.IntN(99999))
			req = fmt.Sprintf(`{"bucketName":"logs-%s","Host":"logs-%s.s3.%s.amazonaws.com","key":"%s"}`, acct, acct, region, key)
			resp = `null`
			extra = fmt.Sprintf(`"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"%016x","bytesTransferredOut":%d},`+
				`"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::logs-%s/%s"},{"accountId":"%s","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::logs-%s"}],`,
				rng.Uint64(), rng.IntN(1<<24), acct, key, acct, acct)
		case 5:
			source, name = "s3.amazonaws.com", "PutBucketPolicy"
			req = fmt.Sprintf(`{"bucketName":"assets-%s","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets-%s/*"}]},"Host":"assets-%s.s3.amazonaws.com","policy":""}`, acct, acct, acct)
			resp = `null`
		case 6:
			source, name = "iam.amazonaws.com", "AttachRolePolicy"
			req = fmt.Sprintf(`{"roleName":"app-%d","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}`, rng.IntN(50))
			resp = `null`
		default:
			source, name = "sts.amazonaws.com", "AssumeRole"
			req = fmt.Sprintf(`{"roleArn":"arn:aws:iam::%s:role/ci-runner","roleSessionName":"session-%d","durationSeconds":3600}`, acct, i)
			extra = fmt.Sprintf(`"resources":[{"accountId":"%s","type":"AWS::IAM::Role","ARN":"arn:aws:iam::%s:role/ci-runner"}],`, acct, acct)
			resp = fmt.Sprintf(`{"credentials":{"accessKeyId":"ASIA%016X","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE%016x","expiration":"Mar 1, 2024, 1:00:00 PM"},"assumedRoleUser":{"assumedRoleId":"AROA%016X:session-%d","arn":"arn:aws:sts::%s:assumed-role/ci-runner/session-%d"}}`,
				rng.Uint64(), rng.Uint64(), rng.Uint64(), i, acct, i)
		}
		errPart := ""
		if rng.IntN(10) == 0 {
			errPart = `"errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation.",`
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"%s","eventName":"%s","awsRegion":"%s","sourceIPAddress":"%s","userAgent":"%s",%s`+
			`"requestParameters":%s,"responseElements":%s,%s"requestID":"%s","eventID":"%s","readOnly":%t,"eventType":"AwsApiCall","managementEvent":%t,"recipientAccountId":"%s","eventCategory":"%s",`+
			`"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"%s.%s.amazonaws.com"}}`,
			identity, ts, source, name, region, ip, agent, errPart, req, resp, extra, strings.ToUpper(id[:8])+id[8:], id, strings.HasPrefix(name, "Describe") || name == "GetObject",
			category == "Management", acct, category, strings.TrimSuffix(source, ".amazonaws.com"), region)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func gzipBytes(tb testing.TB, p []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// measure runs fn b.N times and reports records/s and allocations per record.
func measure(b *testing.B, records int, fn func() int) {
	var before, after runtime.MemStats
	b.ReportAllocs()
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0 := cpuSeconds()
	b.ResetTimer()
	got := 0
	for i := 0; i < b.N; i++ {
		got = fn()
	}
	b.StopTimer()
	cpu := cpuSeconds() - cpu0
	runtime.ReadMemStats(&after)
	if got != records {
		b.Fatalf("emitted %d records, want %d", got, records)
	}
	total := float64(records) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/total, "allocs/record")
	if cpu > 0 {
		b.ReportMetric(total/cpu, "records/cpu-s")
	}
}

func benchDecode(b *testing.B, data []byte, d *Decoder) {
	b.SetBytes(int64(len(data)))
	// With a stub cloudtrail decoder every event is skipped; count those instead so
	// the benchmark still measures envelope + parse.
	measure(b, benchRecords, func() int {
		out := plog.NewLogs()
		res := d.Decode(data, "bench", 1, out, nil)
		return res.Emitted + res.Skipped
	})
}

// BenchmarkDecodeCloudTrail is the end-to-end number: this pipeline with the real
// cloudtrail decoder.
func BenchmarkDecodeCloudTrail(b *testing.B) {
	d, _ := New(Config{})
	data := benchObject(benchRecords)
	benchDecode(b, data, d)
	// What pdata alone must allocate for these bodies (see shape): the part of
	// allocs/record no decoder can remove while the body is a map.
	b.ReportMetric(shapeOf(b, data).bodyFloor(), "body-floor-allocs/record")
}

// BenchmarkDecodeCloudTrailAPIBody is DecodeCloudTrail with the body built through
// pdata's public API (what a Slab falls back to): the cost the slab removes.
func BenchmarkDecodeCloudTrailAPIBody(b *testing.B) {
	d, _ := New(Config{})
	d.body.slab = pdataslab.NewAPI()
	d.ev.Values = d.body.slab
	benchDecode(b, benchObject(benchRecords), d)
}

func BenchmarkDecodeCloudTrailGzip(b *testing.B) {
	d, _ := New(Config{})
	benchDecode(b, gzipBytes(b, benchObject(benchRecords)), d)
}

// The body modes without a map skip the pdata map construction that dominates.
func BenchmarkDecodeCloudTrailBodyString(b *testing.B) {
	d, _ := New(Config{Body: BodyString})
	benchDecode(b, benchObject(benchRecords), d)
}

func BenchmarkDecodeCloudTrailBodyNone(b *testing.B) {
	d, _ := New(Config{Body: BodyNone})
	benchDecode(b, benchObject(benchRecords), d)
}

// BenchmarkPipelineOnly uses the small stand-in decoder of the tests (5 attributes),
// so it measures what this package owns: unwrap, parse, body, grouping.
func BenchmarkPipelineOnly(b *testing.B) {
	benchDecode(b, benchObject(benchRecords), newFake(b, Config{}))
}

// BenchmarkNaiveBaseline is what the issue compares against: encoding/json into
// map[string]any, then pcommon FromRaw into the body, plus the same few attributes.
func BenchmarkNaiveBaseline(b *testing.B) {
	data := benchObject(benchRecords)
	b.SetBytes(int64(len(data)))
	measure(b, benchRecords, func() int {
		var doc struct {
			Records []map[string]any `json:"Records"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			b.Fatal(err)
		}
		out := plog.NewLogs()
		groups := map[[2]string]plog.LogRecordSlice{}
		for _, r := range doc.Records {
			acct, _ := r["recipientAccountId"].(string)
			region, _ := r["awsRegion"].(string)
			key := [2]string{acct, region}
			sl, ok := groups[key]
			if !ok {
				rl := out.ResourceLogs().AppendEmpty()
				rl.Resource().Attributes().PutStr(schema.AttrCloudProvider, schema.ProviderAWS)
				rl.Resource().Attributes().PutStr(schema.AttrCloudAccountID, acct)
				rl.Resource().Attributes().PutStr(schema.AttrCloudRegion, region)
				s := rl.ScopeLogs().AppendEmpty()
				s.Scope().SetName(ScopeName)
				sl = s.LogRecords()
				groups[key] = sl
			}
			lr := sl.AppendEmpty()
			lr.SetEventName(schema.EventName)
			if err := lr.Body().SetEmptyMap().FromRaw(r); err != nil {
				b.Fatal(err)
			}
			attrs := lr.Attributes()
			name, _ := r["eventName"].(string)
			attrs.PutStr(schema.AttrRPCMethod, name)
			id, _ := r["eventID"].(string)
			attrs.PutStr(schema.AttrEventID, id)
			if _, failed := r["errorCode"]; failed {
				attrs.PutStr(schema.AttrOutcome, schema.OutcomeFailure)
			} else {
				attrs.PutStr(schema.AttrOutcome, schema.OutcomeSuccess)
			}
		}
		return out.LogRecordCount()
	})
}

func TestBenchObjectIsRealistic(t *testing.T) {
	data := benchObject(benchRecords)
	per := len(data) / benchRecords
	assert.InDelta(t, 1200, per, 350, "bytes per record")
	var doc struct{ Records []map[string]any }
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Len(t, doc.Records, benchRecords)
	assert.Equal(t, data, benchObject(benchRecords), "deterministic")
}

// BenchmarkPdataOnly is the ceiling for body: map: it builds the same records (the
// body map from already-parsed JSON with no string copies, plus 13 string attributes
// and the resource) and nothing else: no unwrapping, no parsing, no cloud decoder. Its
// allocs/record is what pdata's public API needs for these records.
func BenchmarkPdataOnly(b *testing.B) {
	data := benchObject(benchRecords)
	doc, err := fastjson.ParseBytes(data)
	if err != nil {
		b.Fatal(err)
	}
	recs := doc.GetArray("Records")
	in := interner{seed: maphash.MakeSeed()}
	w := bodyWriter{text: string(data), base: textBase(data, doc), strs: &in, slab: pdataslab.NewAPI()}
	attrs := [13]string{schema.AttrRPCService, schema.AttrRPCMethod, schema.AttrEventID, schema.AttrSourceAddress, schema.AttrUserAgent,
		schema.AttrOutcome, schema.AttrUserID, schema.AttrPrincipalType, schema.AttrAccessKeyID, schema.AttrCredentialType,
		schema.AttrResourceID, schema.AttrErrorType, "x.extra"}
	b.SetBytes(int64(len(data)))
	measure(b, benchRecords, func() int {
		out := plog.NewLogs()
		rl := out.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr(schema.AttrCloudProvider, schema.ProviderAWS)
		sl := rl.ScopeLogs().AppendEmpty()
		lrs := sl.LogRecords()
		for _, r := range recs {
			lr := lrs.AppendEmpty()
			lr.SetEventName(schema.EventName)
			a := lr.Attributes()
			a.EnsureCapacity(len(attrs))
			for _, k := range attrs {
				a.PutStr(k, "v")
			}
			o, _ := r.Object()
			w.putMap(w.slab.SetEmptyMap(lr.Body(), o.Len()), o)
		}
		return lrs.Len()
	})
}
