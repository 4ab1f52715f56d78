package cloudtrail

import (
	"time"
	"unsafe"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// Real CloudTrail producers (and the tools that re-serialise it) disagree on types:
// ports arrive as numbers or strings, booleans as true or "true", lists as arrays or
// {"items": [...]}. These helpers read a field leniently and report whether a usable
// value was there, so one oddly typed field never costs the whole event.

// strOf returns the string value of v ("" when absent or not a string), made through
// the event's string source (event.Event.Str) so it shares memory with the body
// instead of being copied.
func strOf(ev *event.Event, v *fastjson.Value) string {
	return ev.Str(bytesOf(v))
}

// strFieldOf is strOf(ev, v.Get(key)).
func strFieldOf(ev *event.Event, v *fastjson.Value, key string) string {
	if v == nil {
		return ""
	}
	return ev.Str(bytesOf(v.Get(key)))
}

// bytesOf returns the bytes of a string value without copying; valid while the
// parsed document lives. Use it for comparisons, never keep it.
func bytesOf(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	b, _ := v.StringBytes()
	return b
}

// intOf reads an integer from a JSON number or a decimal string ("22", " -1 ").
func intOf(v *fastjson.Value) (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Type() {
	case fastjson.TypeNumber:
		f, err := v.Float64()
		if err != nil || f != f || f > 1<<53 || f < -(1<<53) {
			return 0, false
		}
		return int64(f), true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return parseInt(b)
	}
	return 0, false
}

// intField is intOf(v.Get(key)).
func intField(v *fastjson.Value, key string) (int64, bool) {
	if v == nil {
		return 0, false
	}
	return intOf(v.Get(key))
}

func parseInt(b []byte) (int64, bool) {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
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

// boolOf reads true/false, "true"/"false" (any case), "yes"/"no" and 1/0.
func boolOf(v *fastjson.Value) (val, ok bool) {
	if v == nil {
		return false, false
	}
	switch v.Type() {
	case fastjson.TypeTrue:
		return true, true
	case fastjson.TypeFalse:
		return false, true
	case fastjson.TypeNumber:
		n, ok := intOf(v)
		if !ok || (n != 0 && n != 1) {
			return false, false
		}
		return n == 1, true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		switch {
		case equalFold(b, "true"), equalFold(b, "yes"), equalFold(b, "1"):
			return true, true
		case equalFold(b, "false"), equalFold(b, "no"), equalFold(b, "0"):
			return false, true
		}
	}
	return false, false
}

// equalFold compares ASCII case-insensitively without allocating.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

func hasSuffix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[len(b)-len(p):]) == p
}

// getAny returns the first of the keys present in object v. CloudTrail spells the
// same field in lower camel case for older EC2 calls and in Pascal case for newer
// ones (ModifySecurityGroupRulesRequest.SecurityGroupRule...).
func getAny(v *fastjson.Value, k1, k2 string) *fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	if x := v.Get(k1); x != nil {
		return x
	}
	return v.Get(k2)
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
		if b := bytesOf(v); len(b) > 0 {
			f(b)
		}
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, x := range a {
			if b := bytesOf(x); len(b) > 0 {
				f(b)
			}
		}
	case fastjson.TypeObject:
		if x := v.Get("items"); x != nil && x.Type() == fastjson.TypeArray {
			eachString(x, f)
		}
	}
}

// b2s views bytes as a string without copying, for switch statements and lookups only.
func b2s(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// parseTime reads CloudTrail's eventTime. CloudTrail writes RFC 3339 in UTC
// ("2024-08-01T12:23:55Z"); re-exported copies also use a space separator, fractional
// seconds and no zone, which we read as UTC.
func parseTime(b []byte) (time.Time, bool) {
	s := b2s(b)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	// "YYYY-MM-DD HH:MM:SS[.fffffffff][Z]"
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(p []byte) (int, bool) {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	se, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		rest = rest[1:]
		digits := 0
		for len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
			if digits < 9 {
				nsec = nsec*10 + int(rest[0]-'0')
				digits++
			}
			rest = rest[1:]
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	if len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z') {
		rest = rest[1:]
	}
	if len(rest) != 0 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, nsec, time.UTC), true
}
