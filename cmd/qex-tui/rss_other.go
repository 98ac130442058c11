//go:build !linux

package main

// peakRSSMiB is not measured outside Linux, where getrusage units differ.
func peakRSSMiB() float64 { return 0 }
