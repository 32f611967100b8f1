//go:build !unix

package followup_test

import "time"

// cpuTime is unknown here: benchmarks report no CPU time.
func cpuTime() time.Duration { return 0 }
