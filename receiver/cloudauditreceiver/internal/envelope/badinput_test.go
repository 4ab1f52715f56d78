package envelope

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadInput(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	deepArr := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	bomb := gz(t, string(make([]byte, 8<<20))) // 8 MiB of zeros, ~8 KiB compressed
	full := records("Records", ct("A", "e1"), ct("B", "e2"), ct("C", "e3"))
	truncGzip := gz(t, full)
	truncGzip = truncGzip[:len(truncGzip)-12] // cut inside the deflate stream / trailer
	small := testLimits()
	small.MaxDecompressedBytes = 1 << 20
	small.MaxRecordBytes = 4096
	small.MaxDepth = 32

	tests := []struct {
		name    string
		in      []byte
		events  []string
		rejects []string
	}{
		{name: "broken middle element", in: []byte(records("Records", ct("A", "e1"), `{"eventVersion": tru, "eventID":"x"}`, ct("C", "e3"))),
			events: []string{"cloudtrail:e1", "cloudtrail:e3"}, rejects: []string{"Records[1]|malformed_json"}},
		{name: "mismatched bracket in element", in: []byte(records("Records", ct("A", "e1"), `{"eventVersion":["1.08"}`, ct("C", "e3"))),
			events: []string{"cloudtrail:e1", "cloudtrail:e3"}, rejects: []string{"Records[1]|malformed_json"}},
		{name: "truncated s3 object", in: []byte(full[:len(full)-200]),
			events: []string{"cloudtrail:e1", "cloudtrail:e2"}, rejects: []string{"Records[2]|malformed_json"}},
		{name: "truncated inside a string", in: []byte(full[:strings.Index(full, `"eventID":"e2`)+8]),
			events: []string{"cloudtrail:e1"}, rejects: []string{"Records[1]|malformed_json"}},
		// The trailer is lost, the data is not: every record is kept and the damage reported.
		{name: "truncated gzip", in: truncGzip, events: []string{"cloudtrail:e1", "cloudtrail:e2", "cloudtrail:e3"},
			rejects: []string{"object|decompress"}},
		{name: "wrong type: Records element is a string", in: []byte(records("Records", `"oops"`, ct("B", "e2"))),
			events: []string{"cloudtrail:e2"}, rejects: []string{"Records[0]|unknown_format"}},
		{name: "wrong type: top-level number", in: []byte("42\n" + ct("B", "e2")),
			events: []string{"cloudtrail:e2"}, rejects: []string{"line 1|malformed_json"}},
		{name: "wrong type: message not a string", in: []byte(`{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":{"x":1}},{"id":"2","message":` + quote(ct("B", "e2")) + `}]}`),
			events: []string{"cloudtrail:e2"}, rejects: []string{"logEvents[0]|invalid_field"}},
		{name: "deep nesting object", in: []byte(deep + "\n" + ct("B", "e2")),
			events: []string{"cloudtrail:e2"}, rejects: []string{"line 1|too_deep"}},
		{name: "deep nesting array", in: []byte(deepArr), rejects: []string{"[0]|too_deep"}},
		{name: "deep nesting inside Records", in: []byte(records("Records", ct("A", "e1"), deep)),
			events: []string{"cloudtrail:e1"}, rejects: []string{"Records[1]|too_deep"}},
		{name: "gzip bomb", in: bomb, rejects: []string{"object|too_large"}},
		{name: "oversize record", in: []byte(records("Records", ct("A", "e1"), `{"eventVersion":"1.08","eventID":"big","x":"`+strings.Repeat("a", 5000)+`"}`, ct("C", "e3"))),
			events: []string{"cloudtrail:e1", "cloudtrail:e3"}, rejects: []string{"Records[1]|too_large"}},
		{name: "garbage base64 top level", in: []byte("bm90IGpzb24gYXQgYWxs"), rejects: []string{"line 1|malformed_json"}},
		{name: "garbage not base64", in: []byte("%%%%garbage%%%%"), rejects: []string{"line 1|malformed_json"}},
		{name: "garbage base64 in pubsub data", in: []byte(`{"receivedMessages":[{"ackId":"1","message":{"data":"@@@not base64@@@","messageId":"1"}},{"ackId":"2","message":{"data":"` + b64([]byte(gcp("g2"))) + `","messageId":"2"}}]}`),
			events: []string{"gcp_audit:g2"}, rejects: []string{"receivedMessages[0] message.data|invalid_field"}},
		{name: "bad message inside cloudwatch", in: []byte(cwLogs(ct("A", "c1"), "CWL plain text line", ct("C", "c3"))),
			events: []string{"cloudtrail:c1", "cloudtrail:c3"}, rejects: []string{"logEvents[1] message|malformed_json"}},
		{name: "truncated ndjson line then good lines", in: []byte(ct("A", "e1") + "\n" + ct("B", "e2")[:100] + "\n" + ct("C", "e3") + "\n"),
			events: []string{"cloudtrail:e1", "cloudtrail:e3"}, rejects: []string{"line 2|malformed_json"}},
		{name: "trailing garbage after object", in: []byte(ct("A", "e1") + "}}\n" + ct("B", "e2")),
			events: []string{"cloudtrail:e1", "cloudtrail:e2"}, rejects: []string{"line 1 value 2|malformed_json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := read(t, small, Unknown, tt.in)
			assert.Equal(t, tt.events, rec.events, "events")
			assert.Empty(t, rec.skips, "skips")
			assert.Equal(t, tt.rejects, rec.rejects, "rejects")
		})
	}
}

func TestInvalidUTF8IsRepaired(t *testing.T) {
	ev := strings.Replace(ct("A", "e1"), "alice", "al\xffice", 2)
	rec := read(t, testLimits(), Unknown, []byte(records("Records", ev)))
	require.Equal(t, []string{"cloudtrail:e1"}, rec.events)
	assert.Contains(t, rec.raws[0], "al\uFFFDice")
	assert.False(t, bytes.Contains([]byte(rec.raws[0]), []byte{0xff}))
}

func TestObjectLimit(t *testing.T) {
	l := testLimits()
	l.MaxObjectBytes = 100
	rec := read(t, l, Unknown, []byte(ct("A", "e1")))
	assert.Empty(t, rec.events)
	assert.Equal(t, []string{"object|too_large"}, rec.rejects)
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		if c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}
