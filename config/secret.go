package config

import (
	"fmt"
	"io"
)

// Secret is a credential (SMTP password, webhook signing key). It prints
// as "***" through fmt, encoding/json and YAML so that logging or dumping
// a Config never leaks it; use Value (or string(s)) where it is needed.
type Secret string

const redacted = "***"

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// String returns "***", or "" when the secret is not set.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v redacted.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format redacts every verb, including %x and %q.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' || f.Flag('#') {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	io.WriteString(f, s.String())
}

// MarshalText redacts encodings that use encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
