package jsonx

import (
	"unsafe"

	"github.com/valyala/fastjson"
)

// Bytes returns the bytes of a JSON string without copying, nil for anything else
// (absent, null, a number). They are valid while the parsed document lives: compare
// them or turn them into a string through the event, never keep them.
func Bytes(v *fastjson.Value) []byte {
	if v == nil || v.Type() != fastjson.TypeString {
		return nil
	}
	b, _ := v.StringBytes()
	return b
}

// View is a zero-copy string over b, for switch statements, map look-ups and parsing
// that do not retain it (or for bytes the caller built and never touches again).
func View(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Either returns v[k1], or v[k2] when k1 is absent; nil when v is not an object.
// Exporters respell documented keys (lower camel vs Pascal case, all lower case);
// the second scan is paid only when the documented spelling is missing.
func Either(v *fastjson.Value, k1, k2 string) *fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	if x := v.Get(k1); x != nil {
		return x
	}
	if k2 == "" {
		return nil
	}
	return v.Get(k2)
}

// GetFold returns the member of object v called key in any ASCII casing, trying the
// exact spelling first (the cheap path for well-formed exports); nil when absent.
func GetFold(v *fastjson.Value, key string) *fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	if r := v.Get(key); r != nil {
		return r
	}
	o, _ := v.Object()
	var found *fastjson.Value
	o.Visit(func(k []byte, val *fastjson.Value) {
		if found == nil && EqualFold(k, key) {
			found = val
		}
	})
	return found
}
