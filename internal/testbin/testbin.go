// Package testbin builds the storyline binary for tests that run it as a
// user would.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Build compiles the command package pkg (a path relative to the calling
// test's directory) into a temporary directory; cleanup removes it.
func Build(pkg string) (bin string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "storyline-bin-")
	if err != nil {
		return "", nil, err
	}
	bin = filepath.Join(dir, "storyline")
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin, func() { os.RemoveAll(dir) }, nil
}

// Main is a TestMain body: it builds pkg into *bin, runs the tests and
// returns their exit code.
func Main(m *testing.M, pkg string, bin *string) int {
	path, cleanup, err := Build(pkg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	*bin = path
	return m.Run()
}
