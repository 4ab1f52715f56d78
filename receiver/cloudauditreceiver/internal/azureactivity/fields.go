package azureactivity

import (
	"strconv"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Azure's key casing is not stable between delivery paths (resultType / ResultType,
// requestbody / requestBody), so every lookup here is ASCII case-insensitive
// (jsonx.GetFold). The helpers work on the bytes fastjson already holds: no string
// is built until a value is written out.

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
		return jsonx.Bytes(jsonx.GetFold(v, "value"))
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

// lowerString returns b lowercased as a new string (one allocation).
func lowerString(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return jsonx.View(out)
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
	i := jsonx.IndexFold(id, pattern)
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
