package storage

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLockDaemon: a second lock on the same database fails naming the
// holder's pid; once released, it can be taken again.
func TestLockDaemon(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.db")
	first, err := LockDaemon(file)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockDaemon(file)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Path != file+".lock" {
		t.Fatalf("second lock: %v, want a LockedError naming pid %d", err, os.Getpid())
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := LockDaemon(file)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.Release()
}
