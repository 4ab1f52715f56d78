//go:build unix

package scenario

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time. The benchmarks report throughput per
// CPU-second as well as per wall-second: on a shared, loaded machine wall time
// measures the neighbours, CPU time measures the code (the benchmarks are
// single-goroutine and allocation-free, so the process's CPU time is theirs).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
