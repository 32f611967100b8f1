//go:build !linux

package main

func monotonicUsec() int64 { return 0 }
