package envelope

import (
	"strings"
	"testing"
)

// FuzzEnvelope: any input is read without panicking, and a reused Reader (whose
// buffers and parser carry over) yields exactly what a fresh one yields.
func FuzzEnvelope(f *testing.F) {
	cw := cwLogs(ct("A", "c1"), ct("B", "c2"))
	for _, s := range []string{
		records("Records", ct("A", "e1"), ct("B", "e2")),
		string(gz(f, records("Records", ct("A", "e1")))),
		ct("A", "e1") + "\n" + ct("B", "e2")[:90] + "\n" + ct("C", "e3"),
		cw,
		b64(gz(f, cw)),
		string(gz(f, cw)) + string(gz(f, cw)),
		eventBridge(ct("A", "e1")),
		`{"message":{"data":"` + b64([]byte(gcp("g1"))) + `","messageId":"1"},"subscription":"s"}`,
		`{"receivedMessages":[{"ackId":"1","message":{"data":"` + b64(gz(f, gcp("g1"))) + `"}}]}`,
		records("records", azure("a1")),
		`{"kind":"EventList","items":[` + k8s("x") + `]}`,
		`{"digestStartTime":"a","digestEndTime":"b"}`,
		`[[[[{"a":[1,2}]]]]`,
		strings.Repeat("[", 500),
		`{"Records":[{"a":"\`,
		`{"0000":"0000""items":`,
	} {
		f.Add([]byte(s))
	}
	l := testLimits()
	l.MaxRecordBytes = 64 << 10
	l.MaxDecompressedBytes = 1 << 20
	reused := New(l, Unknown)
	f.Fuzz(func(t *testing.T, data []byte) {
		fresh := &recorder{}
		New(l, Unknown).Read(data, fresh)
		again := &recorder{}
		reused.Read(data, again)
		for _, r := range fresh.rejects {
			if strings.HasSuffix(r, "|"+ReasonPanic) {
				t.Fatalf("panic: %s", r)
			}
		}
		if strings.Join(fresh.events, ",") != strings.Join(again.events, ",") ||
			strings.Join(fresh.raws, "\x00") != strings.Join(again.raws, "\x00") ||
			strings.Join(fresh.rejects, ",") != strings.Join(again.rejects, ",") ||
			strings.Join(fresh.skips, ",") != strings.Join(again.skips, ",") {
			t.Fatalf("reused reader differs:\nfresh %v %v\nagain %v %v", fresh.events, fresh.rejects, again.events, again.rejects)
		}
	})
}
