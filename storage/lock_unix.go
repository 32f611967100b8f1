//go:build unix

package storage

import (
	"os"

	sys "golang.org/x/sys/unix"
)

var errWouldBlock error = sys.EWOULDBLOCK

func flock(f *os.File) error { return sys.Flock(int(f.Fd()), sys.LOCK_EX|sys.LOCK_NB) }
