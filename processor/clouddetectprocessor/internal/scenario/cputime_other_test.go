//go:build !unix

package scenario

import "time"

// cpuTime is not measured off unix; per-CPU-second metrics then read as +Inf.
func cpuTime() time.Duration { return 0 }
