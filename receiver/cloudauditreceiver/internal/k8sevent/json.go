package k8sevent

import (
	"time"
	"unsafe"

	"github.com/valyala/fastjson"
)

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

// parseTime reads Kubernetes Time (RFC 3339, seconds) and MicroTime (RFC 3339,
// microseconds); both parse with RFC3339Nano.
func parseTime(b []byte) time.Time {
	if len(b) == 0 {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, view(b))
	if err != nil {
		return time.Time{}
	}
	return t
}

func isObject(v *fastjson.Value) bool { return v != nil && v.Type() == fastjson.TypeObject }
