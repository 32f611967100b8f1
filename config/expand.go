package config

import (
	"fmt"
	"strings"
)

// expand replaces ${VAR} and ${VAR:-default} in s using getenv. "$${"
// stands for a literal "${"; any other "$" is kept as is, so passwords
// containing "$" need no escaping. A variable that is unset or empty and
// has no default is an error naming the variable (never its value).
// changed reports whether any reference was expanded, so callers know
// the result may hold a secret that must stay out of messages.
func expand(s string, getenv func(string) string) (out string, changed bool, err error) {
	if !strings.Contains(s, "${") {
		return s, false, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), changed, nil
		}
		if i > 0 && s[i-1] == '$' {
			// "$${" is an escaped literal "${".
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			changed = true
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", false, fmt.Errorf("unterminated ${ in %q", s[i:])
		}
		ref := s[i+2 : i+end]
		s = s[i+end+1:]
		name, def, hasDef := strings.Cut(ref, ":-")
		if !validVarName(name) {
			return "", false, fmt.Errorf("invalid variable reference ${%s}", ref)
		}
		v := getenv(name)
		if v == "" {
			if !hasDef {
				return "", false, fmt.Errorf("environment variable %s is not set (use ${%s:-default} for a fallback)", name, name)
			}
			v = def
		}
		b.WriteString(v)
		changed = true
	}
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
