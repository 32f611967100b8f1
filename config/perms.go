package config

import (
	"fmt"
	"os"
)

// CheckPermissions returns warnings (for the caller to log) when the
// config file at path is readable by group or others while c holds
// secrets (an SMTP password or a webhook secret). Whether a secret was
// written inline or came from ${VAR} is not tracked, so both count.
// A failure to stat the file is returned as a warning too.
func CheckPermissions(path string, c *Config) []string {
	if c == nil || !c.hasSecrets() {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: cannot check permissions: %v", path, err)}
	}
	if mode := fi.Mode().Perm(); mode&0o044 != 0 {
		return []string{fmt.Sprintf("%s: file holds secrets but is readable by group or others (mode %04o); run chmod 600 %s, or pass secrets as ${VAR} through the service environment",
			path, mode, path)}
	}
	return nil
}

func (c *Config) hasSecrets() bool {
	if e := c.Notify.Email; e != nil && e.Password != "" {
		return true
	}
	for _, w := range c.Notify.Webhooks {
		if w.Secret != "" {
			return true
		}
	}
	return false
}
