//go:build !unix

package decode

func cpuSeconds() float64 { return 0 }
