// Package memstat reads this process's peak resident memory (Linux).
package memstat

import (
	"bytes"
	"os"
	"strconv"
)

// PeakRSS is the process's resident-set high-water mark in bytes (VmHWM),
// or 0 where /proc is not available.
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// ResetPeak clears the high-water mark, so that PeakRSS reports the peak
// from now on.
func ResetPeak() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
