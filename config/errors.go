package config

import (
	"fmt"
	"strings"
)

// Error is one problem found in a configuration file. Line and Column
// are 1-based; 0 means unknown. Message never contains the value of an
// expanded ${VAR}: it quotes the raw text of the file.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
	// Err is the underlying cause when there is one (for example an
	// *fs.PathError when the file cannot be read).
	Err error
}

// Error formats the problem as FILE:LINE:COL: message, leaving out the
// parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "%d:", e.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found by Load, in file and line order. Load
// returns it as its error; callers exit with status 2.
type Errors []Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i := range es {
		lines[i] = es[i].Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is and errors.As see each item (and its cause).
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}
