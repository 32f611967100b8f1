//go:build unix

package followup_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used (user and system, all
// threads, garbage collection included): on a busy machine a steadier
// measure of work than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
