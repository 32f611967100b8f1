package storage

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// LockedError tells that another process holds a database's daemon lock.
type LockedError struct {
	Path string // the lock file
	PID  int    // the holder's, 0 if unknown
}

func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("%s is held by %s: one storyline run per database", e.Path, holder)
}

// DaemonLock is the exclusive lock that one running daemon holds on its
// database: a second `storyline run` on the same file would poll every
// feed twice. The operating system drops it when the process ends, however
// it ends.
type DaemonLock struct{ f *os.File }

// LockDaemon takes the daemon lock of the database at file (the file
// beside it, file + ".lock") and writes this process's pid into it. It
// fails with a *LockedError naming the holder when another process holds
// it.
func LockDaemon(file string) (*DaemonLock, error) {
	path := file + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage: lock: %w", err)
	}
	if err := flock(f); err != nil {
		defer f.Close()
		if errors.Is(err, errWouldBlock) {
			b, _ := os.ReadFile(path)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			return nil, &LockedError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("storage: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &DaemonLock{f: f}, nil
}

// Release drops the lock. The file stays: removing it would let a
// process that opened it meanwhile lock a file no one else sees.
func (l *DaemonLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	return l.f.Close()
}
