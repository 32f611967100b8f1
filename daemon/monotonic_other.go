//go:build !linux

package daemon

func monotonicUsec() int64 { return 0 }
