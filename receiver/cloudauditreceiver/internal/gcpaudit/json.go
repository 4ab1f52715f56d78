package gcpaudit

import (
	"bytes"
	"time"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// str returns the string bytes of v[key] (or v[alt]); nil when absent or not a string.
// Some exporters (SIEM normalisers, BigQuery-style sinks) lower-case LogEntry keys, so
// alt is the lower-case spelling of key.
func str(v *fastjson.Value, key, alt string) []byte {
	return jsonx.Bytes(jsonx.Either(v, key, alt))
}

// Layouts seen for LogEntry.timestamp: RFC 3339 as Cloud Logging writes it, the
// space-separated UTC form some SIEM exports re-serialise it to, and BigQuery's
// TIMESTAMP text ("2024-06-10 07:12:25.118342 UTC") from log sinks routed there.
var timeLayouts = [...]string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999 UTC"}

// parseTime returns the zero time for anything unreadable, so the record keeps no timestamp.
func parseTime(b []byte) time.Time {
	t, _ := jsonx.ParseTime(b, timeLayouts[:])
	return t
}

// lastSegment returns the part of a resource path after the final '/'.
func lastSegment(b []byte) []byte {
	if i := bytes.LastIndexByte(b, '/'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// segmentAfter returns the path segment following marker (e.g. "projects/") in b.
func segmentAfter(b []byte, marker string) []byte {
	i := bytes.Index(b, []byte(marker))
	if i < 0 {
		return nil
	}
	rest := b[i+len(marker):]
	if j := bytes.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
