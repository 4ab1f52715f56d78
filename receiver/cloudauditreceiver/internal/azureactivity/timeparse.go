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
	if len(b) > 7 && b[0] == '/' {
		return msDate(b)
	}
	return jsonx.ParseTime(b, timeLayouts[:])
}

// msDate reads the .NET JSON date "/Date(1741079727123)/" that Windows PowerShell's
// ConvertTo-Json writes for Get-AzLog's EventTimestamp. The number is milliseconds
// since the Unix epoch in UTC; a "+0100" style suffix only names the writer's zone.
func msDate(b []byte) (time.Time, bool) {
	const prefix, suffix = "/Date(", ")/"
	if len(b) < len(prefix)+len(suffix)+1 || string(b[:len(prefix)]) != prefix || string(b[len(b)-len(suffix):]) != suffix {
		return time.Time{}, false
	}
	num := b[len(prefix) : len(b)-len(suffix)]
	end := 0
	if end < len(num) && num[0] == '-' {
		end++
	}
	for end < len(num) && num[end] >= '0' && num[end] <= '9' {
		end++
	}
	if rest := num[end:]; len(rest) != 0 && (len(rest) != 5 || rest[0] != '+' && rest[0] != '-') {
		return time.Time{}, false
	}
	ms, ok := jsonx.ParseInt(num[:end])
	if !ok {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}
