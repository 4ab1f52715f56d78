package gcpaudit

import (
	"bytes"
	"time"
	"unsafe"

	"github.com/valyala/fastjson"
)

// get returns v[key], or v[alt] when key is absent. Some exporters (SIEM
// normalisers, BigQuery-style sinks) lower-case LogEntry keys; the fallback costs
// one extra object scan only when the documented spelling is missing.
func get(v *fastjson.Value, key, alt string) *fastjson.Value {
	if x := v.Get(key); x != nil {
		return x
	}
	if alt == "" {
		return nil
	}
	return v.Get(alt)
}

// str returns the string bytes of v[key] (or v[alt]); nil when absent or not a string.
func str(v *fastjson.Value, key, alt string) []byte {
	x := get(v, key, alt)
	if x == nil || x.Type() != fastjson.TypeString {
		return nil
	}
	b, _ := x.StringBytes()
	return b
}

// toStr copies parser memory into a Go string; the parser's buffer is reused.
func toStr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return string(b)
}

// view is a zero-copy string over b for look-ups and parsing that do not retain it.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// intValue reads an integer that proto3 JSON may render as a number or as a string
// (int64 fields are strings in proto3 JSON).
func intValue(v *fastjson.Value) (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Type() {
	case fastjson.TypeNumber:
		f, err := v.Float64()
		if err != nil {
			return 0, false
		}
		return int64(f), true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		if len(b) == 0 || len(b) > 18 {
			return 0, false
		}
		neg := false
		if b[0] == '-' {
			neg, b = true, b[1:]
			if len(b) == 0 {
				return 0, false
			}
		}
		var n int64
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, true
	}
	return 0, false
}

// boolValue reads a bool that may also arrive as "true"/"false".
func boolValue(v *fastjson.Value) (bool, bool) {
	if v == nil {
		return false, false
	}
	switch v.Type() {
	case fastjson.TypeTrue:
		return true, true
	case fastjson.TypeFalse:
		return false, true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		switch view(b) {
		case "true", "TRUE", "True":
			return true, true
		case "false", "FALSE", "False":
			return false, true
		}
	}
	return false, false
}

// Layouts seen for LogEntry.timestamp: RFC 3339 as Cloud Logging writes it, and the
// space-separated UTC form some SIEM exports re-serialise it to.
var timeLayouts = [...]string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}

func parseTime(b []byte) time.Time {
	if len(b) == 0 {
		return time.Time{}
	}
	s := view(b)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
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
