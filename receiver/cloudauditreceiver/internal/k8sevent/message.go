package k8sevent

import (
	"bytes"

	"github.com/cloudwarden/cloudwarden/internal/schema"
)

// The HPA controller records SuccessfulRescale with the message
// "New size: <n>; reason: <reason>" (pkg/controller/podautoscaler/horizontal.go).
var (
	newSizePrefix = []byte("New size: ")
	reasonMarker  = []byte("reason: ")
)

// parseRescale returns the new size and the controller's reason text.
func parseRescale(msg []byte) (size int64, reason []byte, ok bool) {
	i := bytes.Index(msg, newSizePrefix)
	if i < 0 {
		return 0, nil, false
	}
	rest := msg[i+len(newSizePrefix):]
	n := 0
	for n < len(rest) && n < 10 && rest[n] >= '0' && rest[n] <= '9' {
		size = size*10 + int64(rest[n]-'0')
		n++
	}
	if n == 0 {
		return 0, nil, false
	}
	if j := bytes.Index(rest[n:], reasonMarker); j >= 0 {
		reason = rest[n+j+len(reasonMarker):]
	}
	return size, reason, true
}

// direction maps the documented rescale reasons to out/in:
//
//	"<metric> above target"                              → out
//	"All metrics below target"                           → in
//	"Current number of replicas above Spec.MaxReplicas"  → in (clamped down to max)
//	"Current number of replicas below Spec.MinReplicas"  → out (raised to min)
//	"Current number of replicas must be greater than 0"  → out
//
// The bounds checks come first because those reasons also say above/below.
// atMax reports the clamp to Spec.MaxReplicas, after which the group sits at its max.
func direction(reason []byte) (dir string, atMax bool) {
	switch {
	case bytes.Contains(reason, []byte("Spec.MaxReplicas")):
		return schema.ScalingIn, true
	case bytes.Contains(reason, []byte("Spec.MinReplicas")), bytes.Contains(reason, []byte("greater than 0")):
		return schema.ScalingOut, false
	case bytes.Contains(reason, []byte("above target")):
		return schema.ScalingOut, false
	case bytes.Contains(reason, []byte("below target")):
		return schema.ScalingIn, false
	}
	return "", false
}
