package config

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CheckPermissions returns warnings (for the caller to log) when the
// config file at path is readable by group or others and holds a secret
// written in it (an SMTP password or a webhook secret). A secret passed as
// ${VAR} lives in the service's environment, not in the file: a 0644 file
// that only refers to it is fine, and must stay readable by the unit's
// dynamic user. A failure to read the file is returned as a warning too.
func CheckPermissions(path string, c *Config) []string {
	if c == nil || !c.hasSecrets() {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: cannot check permissions: %v", path, err)}
	}
	if fi.Mode().Perm()&0o044 == 0 {
		return nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: cannot check permissions: %v", path, err)}
	}
	if !literalSecrets(raw) {
		return nil
	}
	return []string{fmt.Sprintf("%s: file holds a secret written in it but is readable by group or others (mode %04o); pass it as ${VAR} through the service environment (EnvironmentFile=), or run chmod 600 %s if only its owner runs storyline",
		path, fi.Mode().Perm(), path)}
}

// literalSecrets reports whether a config's text writes a secret itself
// rather than a ${VAR} reference to one.
func literalSecrets(raw []byte) bool {
	var doc struct {
		Status struct {
			Token string `yaml:"token"`
		} `yaml:"status"`
		Notify struct {
			Email struct {
				Password string `yaml:"password"`
			} `yaml:"email"`
			Webhooks map[string]struct {
				Secret string `yaml:"secret"`
			} `yaml:"webhooks"`
		} `yaml:"notify"`
	}
	if yaml.Unmarshal(raw, &doc) != nil {
		return true // Load read it; be safe
	}
	literal := func(s string) bool { return s != "" && !strings.Contains(s, "${") }
	if literal(doc.Notify.Email.Password) || literal(doc.Status.Token) {
		return true
	}
	for _, w := range doc.Notify.Webhooks {
		if literal(w.Secret) {
			return true
		}
	}
	return false
}

func (c *Config) hasSecrets() bool {
	if c.Status.Token != "" {
		return true
	}
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
