//go:build unix

package decode

import "syscall"

// cpuSeconds is the CPU time of the whole process (all threads, so GC work counts). On
// a shared machine records per CPU-second is steadier than per wall-clock second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
