package cloudtrail

import (
	"time"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Real CloudTrail producers (and the tools that re-serialise it) disagree on types:
// ports arrive as numbers or strings, booleans as true or "true", lists as arrays or
// {"items": [...]}. These helpers read a field leniently and report whether a usable
// value was there, so one oddly typed field never costs the whole event.

// strOf returns the string value of v ("" when absent or not a string), made through
// the event's string source (event.Event.Str) so it shares memory with the body
// instead of being copied.
func strOf(ev *event.Event, v *fastjson.Value) string {
	return ev.Str(jsonx.Bytes(v))
}

// strFieldOf is strOf(ev, v.Get(key)).
func strFieldOf(ev *event.Event, v *fastjson.Value, key string) string {
	if v == nil {
		return ""
	}
	return ev.Str(jsonx.Bytes(v.Get(key)))
}

// intField is jsonx.Int(v.Get(key)).
func intField(v *fastjson.Value, key string) (int64, bool) {
	if v == nil {
		return 0, false
	}
	return jsonx.Int(v.Get(key))
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

func hasSuffix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[len(b)-len(p):]) == p
}

// eachItem calls f for every element of a CloudTrail list, which may be an array,
// {"items": [...]}, {"item": ...} or a single object (the EC2 query-API forms).
// Depth is bounded so a hostile document cannot recurse far.
func eachItem(v *fastjson.Value, f func(*fastjson.Value)) {
	eachItemDepth(v, f, 0)
}

func eachItemDepth(v *fastjson.Value, f func(*fastjson.Value), depth int) {
	if v == nil || depth > 3 {
		return
	}
	switch v.Type() {
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			if x.Type() == fastjson.TypeObject {
				f(x)
			} else if x.Type() == fastjson.TypeArray {
				eachItemDepth(x, f, depth+1)
			}
		}
	case fastjson.TypeObject:
		if x := v.Get("items"); x != nil {
			eachItemDepth(x, f, depth+1)
			return
		}
		if x := v.Get("item"); x != nil {
			eachItemDepth(x, f, depth+1)
			return
		}
		o, _ := v.Object()
		if o.Len() == 0 {
			return
		}
		f(v)
	}
}

// eachString calls f for every string in v, a string, an array of strings, or
// {"items": [...]}.
func eachString(v *fastjson.Value, f func([]byte)) {
	if v == nil {
		return
	}
	switch v.Type() {
	case fastjson.TypeString:
		if b := jsonx.Bytes(v); len(b) > 0 {
			f(b)
		}
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			if b := jsonx.Bytes(x); len(b) > 0 {
				f(b)
			}
		}
	case fastjson.TypeObject:
		if x := v.Get("items"); x != nil && x.Type() == fastjson.TypeArray {
			eachString(x, f)
		}
	}
}

// parseTime reads CloudTrail's eventTime. CloudTrail writes RFC 3339 in UTC
// ("2024-08-01T12:23:55Z"); re-exported copies also use a space separator, fractional
// seconds and no zone, which we read as UTC (all in jsonx.ParseTime's fast path).
func parseTime(b []byte) (time.Time, bool) {
	return jsonx.ParseTime(b, timeLayouts[:])
}

// timeLayouts: what jsonx.ParseTime's fast path leaves over is tried as RFC 3339.
var timeLayouts = [...]string{time.RFC3339Nano}
