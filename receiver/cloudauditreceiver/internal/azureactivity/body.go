package azureactivity

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// Azure writes properties.requestbody and responseBody as JSON text inside a JSON
// string; some pipelines have already expanded them into objects, and long bodies
// arrive truncated. A body that cannot be read is simply not used: the record is
// still emitted.

var bodyParsers fastjson.ParserPool

// withObject calls f with the object held by v: v itself when it is an object, or
// the parse of v's text when it is a JSON string holding an object. The parsed value
// is only valid inside f. It reports whether f was called.
func withObject(v *fastjson.Value, f func(obj *fastjson.Value)) bool {
	if v == nil {
		return false
	}
	switch v.Type() {
	case fastjson.TypeObject:
		f(v)
		return true
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		b = jsonx.TrimSpace(b)
		if len(b) < 2 || b[0] != '{' {
			return false
		}
		p := bodyParsers.Get()
		defer bodyParsers.Put(p)
		parsed, err := p.ParseBytes(b)
		if err != nil || parsed.Type() != fastjson.TypeObject {
			return false
		}
		f(parsed)
		return true
	}
	return false
}
