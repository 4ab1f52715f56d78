package azureactivity

import (
	"strconv"
	"unsafe"

	"github.com/valyala/fastjson"
)

// Azure's key casing is not stable between delivery paths (resultType / ResultType,
// requestbody / requestBody), so every lookup here is ASCII case-insensitive. The
// helpers work on the bytes fastjson already holds: no string is built until a
// value is written out.

// foldEq reports whether k equals lower ignoring ASCII case; lower must be lowercase.
func foldEq(k []byte, lower string) bool {
	if len(k) != len(lower) {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with lower ignoring ASCII case.
func hasPrefixFold(s []byte, lower string) bool {
	return len(s) >= len(lower) && foldEq(s[:len(lower)], lower)
}

// hasSuffixFold reports whether s ends with lower ignoring ASCII case.
func hasSuffixFold(s []byte, lower string) bool {
	return len(s) >= len(lower) && foldEq(s[len(s)-len(lower):], lower)
}

// indexFold returns the first index of lower in s ignoring ASCII case, or -1.
func indexFold(s []byte, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		if foldEq(s[i:i+len(lower)], lower) {
			return i
		}
	}
	return -1
}

// get returns the member of v called key (given in its usual casing), trying the
// exact key first, the cheap path for well-formed exports, and then any casing.
func get(v *fastjson.Value, key string) *fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	if r := v.Get(key); r != nil {
		return r
	}
	o, _ := v.Object()
	var found *fastjson.Value
	o.Visit(func(k []byte, val *fastjson.Value) {
		if found == nil && len(k) == len(key) && eqFold(k, key) {
			found = val
		}
	})
	return found
}

// eqFold compares k and s ignoring ASCII case (s may be mixed case).
func eqFold(k []byte, s string) bool {
	if len(k) != len(s) {
		return false
	}
	for i := 0; i < len(k); i++ {
		a, b := k[i], s[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// str returns the bytes of a JSON string, nil for anything else.
func str(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	b, _ := v.StringBytes()
	return b
}

// valueStr reads the REST schema's {"value": ..., "localizedValue": ...} wrappers
// (operationName, status, subStatus, resourceProviderName, category) as well as the
// plain strings the diagnostic export uses for the same fields.
func valueStr(v *fastjson.Value) []byte {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return b
	case fastjson.TypeObject:
		return str(get(v, "value"))
	}
	return nil
}

// scalarStr renders a string or a number as bytes; Azure writes counts, priorities
// and durations either way ("3" or 3).
func scalarStr(v *fastjson.Value, buf []byte) []byte {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return b
	case fastjson.TypeNumber:
		return v.MarshalTo(buf[:0])
	}
	return nil
}

// intOf reads an integer written as a number or a numeric string.
func intOf(v *fastjson.Value) (int64, bool) {
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
		b = trimSpace(b)
		if len(b) == 0 || len(b) > 18 {
			return 0, false
		}
		var n int64
		neg := false
		if b[0] == '-' {
			neg, b = true, b[1:]
		}
		if len(b) == 0 {
			return 0, false
		}
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

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// lowerString returns b lowercased as a new string (one allocation).
func lowerString(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return ownedString(out)
}

// ownedString turns a byte slice this package just built, and never touches again,
// into a string without copying it a second time (what strings.Builder does).
func ownedString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// lastSegment returns what follows the last '/' (the name at the end of an ARM id).
func lastSegment(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '/' {
		b = b[:len(b)-1]
	}
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '/' {
			return b[i+1:]
		}
	}
	return b
}

// segmentAfter returns the path segment that follows pattern (lowercase, like
// "/subscriptions/") in an ARM id.
func segmentAfter(id []byte, pattern string) []byte {
	i := indexFold(id, pattern)
	if i < 0 {
		return nil
	}
	rest := id[i+len(pattern):]
	for j, c := range rest {
		if c == '/' {
			return rest[:j]
		}
	}
	return rest
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
