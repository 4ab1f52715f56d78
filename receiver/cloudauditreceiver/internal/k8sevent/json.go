package k8sevent

import (
	"time"

	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// timeLayouts: Kubernetes Time (RFC 3339, seconds) and MicroTime (RFC 3339,
// microseconds) both parse with RFC3339Nano, which jsonx.ParseTime's fast path covers;
// it is the fallback for the rarer spellings it leaves over.
var timeLayouts = [...]string{time.RFC3339Nano}

// parseTime returns the zero time for anything unreadable, so the record keeps no timestamp.
func parseTime(b []byte) time.Time {
	t, _ := jsonx.ParseTime(b, timeLayouts[:])
	return t
}

func isObject(v *fastjson.Value) bool { return v != nil && v.Type() == fastjson.TypeObject }
