//go:build !unix

package storage

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// flock is a no-op where there is no flock(2): one daemon per database is
// then up to the service manager.
func flock(*os.File) error { return nil }
