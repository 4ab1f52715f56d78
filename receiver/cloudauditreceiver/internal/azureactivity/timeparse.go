package azureactivity

import (
	"time"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/jsonx"
)

// timeLayouts: Azure writes "2025-04-15T10:16:32.9873441Z" (7 fractional digits), with
// an offset, or "2018-09-10 18:12:00.6132593" (space, no zone: UTC) in some resource
// logs, all read by jsonx.ParseTime's fast path without allocating; these layouts
// catch the rest, including RFC 1123 dates.
var timeLayouts = [...]string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", time.RFC1123}

func parseTime(b []byte) (time.Time, bool) {
	return jsonx.ParseTime(b, timeLayouts[:])
}
