package main

import (
	"os"
	"strings"
	"testing"
)

// Secrets from the environment never reach check output, errors or logs.
func TestSecretsNeverPrinted(t *testing.T) {
	const password, hook = "hunter2-smtp-Pa55", "whsec-0123456789abcdef"
	env := map[string]string{"SMTP_PASSWORD": password, "HOOK_SECRET": hook}
	good := `storage: {path: DBPATH}
feeds:
  - {name: one, url: "http://127.0.0.1:9/feed"}
digests:
  - {name: morning, schedule: "0 7 * * *", to: ["email:me@example.org", "webhook:ops"]}
notify:
  email: {host: smtp.example.org, port: 587, tls: starttls, username: me, password: "${SMTP_PASSWORD}", from: storyline@example.org}
  webhooks:
    ops: {url: "https://hooks.example.org/x", format: json, secret: "${HOOK_SECRET}"}
`
	cfg := writeConfig(t, good)
	var all strings.Builder
	for _, args := range [][]string{{"check"}, {"poll"}, {"feeds", "--json"}} {
		_, stdout, stderr := run(t, env, append([]string{"--config", cfg}, args...)...)
		all.WriteString(stdout + stderr)
	}
	// A broken config next to the secrets: errors quote the file, not the values.
	bad := strings.Replace(good, "port: 587", "port: many", 1)
	bad = strings.Replace(bad, `secret: "${HOOK_SECRET}"`, `secret: "${HOOK_SECRET}", sekret: x`, 1)
	os.WriteFile(cfg, []byte(strings.ReplaceAll(bad, "DBPATH", t.TempDir()+"/s.db")), 0o644)
	code, stdout, stderr := run(t, env, "--config", cfg, "check")
	if code != 2 {
		t.Errorf("bad config: exit %d", code)
	}
	all.WriteString(stdout + stderr)
	for _, secret := range []string{password, hook} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("secret %q printed:\n%s", secret, all.String())
		}
	}
	if !strings.Contains(all.String(), "sekret") {
		t.Errorf("the typo was not reported:\n%s", all.String())
	}
}
