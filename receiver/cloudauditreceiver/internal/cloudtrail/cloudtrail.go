// Package cloudtrail decodes AWS CloudTrail events (bare, and inside EventBridge envelopes) into the normalised schema.
// STUB: the real decoder replaces this file.
package cloudtrail

import (
	"github.com/valyala/fastjson"

	"github.com/cloudwarden/cloudwarden/receiver/cloudauditreceiver/internal/event"
)

// Matches reports whether v is a bare event of this format (auto-detection).
func Matches(v *fastjson.Value) bool { return false }

// Decode fills ev from v. It returns event.ErrSkip for recognised non-events.
func Decode(v *fastjson.Value, ev *event.Event) error { return event.ErrSkip }

// DecodeEventBridge fills ev from an EventBridge envelope ("detail-type" + "detail"):
// CloudTrail API calls and Auto Scaling launch/terminate events. Other detail types
// return event.ErrSkip.
func DecodeEventBridge(v *fastjson.Value, ev *event.Event) error { return event.ErrSkip }
