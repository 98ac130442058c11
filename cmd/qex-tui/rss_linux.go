package main

import "syscall"

// peakRSSMiB is the process's peak resident set size, in MiB.
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	const kibPerMiB = 1024
	return float64(ru.Maxrss) / kibPerMiB // Linux reports kilobytes
}
