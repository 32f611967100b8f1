package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/storyline/storyline/config"
)

// FuzzLoadErrors feeds arbitrary files to Load: it must never panic, must
// return either a config or an error, and every error must name the file
// and the line it is about, so that `storyline check` can point at it.
//
//	go test ./config -run '^$' -fuzz FuzzLoadErrors -fuzztime 1m
func FuzzLoadErrors(f *testing.F) {
	seeds := []string{
		"feeds:\n  - {name: a, url: https://example.org/feed}\n",
		"storage: {path: x.db, retention: 90d}\nfeeds:\n  - name: a\n    url: https://example.org/a\n    schedule: \"*/15 * * * *\"\n",
		"feeds: []\n",
		"feeds:\n  - {name: a, url: ftp://example.org}\n  - {name: a, url: https://example.org, schedule: \"CRON_TZ= * * * * *\"}\n",
		"fetch: {timeout: 1x, max_body: 12QB, per_host: -1}\nfeeds: [{name: a, url: 'https://e.org'}]\n",
		"feeds: [{name: a, url: '${FEED_URL}'}]\nnotify:\n  webhooks:\n    ops: {url: 'http://127.0.0.1:1/', secret: '${HOOK_SECRET}', format: slack}\n",
		"feeds: [{name: a, url: '${UNSET}'}]\n",
		"feeds: [{name: a, url: 'https://e.org'}]\ntopics:\n  - {name: t, query: '(a OR'}\n  - {name: u, query: 'x', feeds: [nope]}\n",
		"feeds: [{name: a, url: 'https://e.org'}]\ndigests:\n  - {name: d, schedule: '0 7 * * *', to: ['email:me@example.org', 'webhook:none', 'pager:x']}\n",
		"feeds: [{name: a, url: 'https://e.org'}]\nnotify:\n  email: {host: smtp.example.org, tls: none, from: 'not an address', password: p}\n",
		"a: &a {x: 1}\nfeeds: [{<<: *a, name: b, url: 'https://e.org'}]\n",
		"feeds: [{<<: [*a, {}]}]\n",
		"feeds:\n\t- bad indent\n",
		"feeds: [\n",
		"---\nfeeds: []\n---\nfeeds: []\n",
		"- a\n- b\n",
		"feeds: {name: a}\n",
		"feeds: [{name: a, url: 'https://e.org', tiemout: 3s}]\nstorag: {}\n",
		"\xff\xfe",
		"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	dir := f.TempDir()
	getenv := func(k string) string {
		return map[string]string{"FEED_URL": "https://example.org/env", "HOOK_SECRET": "s3cret", "EMPTY": ""}[k]
	}
	f.Fuzz(func(t *testing.T, content string) {
		if namesInclude(content) {
			// include: globs read other files, and a fuzzed glob could reach
			// /dev/zero or /proc; TestInclude covers includes.
			t.Skip("include: not fuzzed")
		}
		path := filepath.Join(dir, "fuzz.yaml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(path, getenv)
		if (c == nil) == (err == nil) {
			t.Fatalf("Load returned config %v and error %v", c, err)
		}
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Load accepted a config that Validate refuses: %v", verr)
			}
			return
		}
		var errs config.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Load error is %T, want config.Errors: %v", err, err)
		}
		if len(errs) == 0 {
			t.Fatal("Load returned an empty config.Errors")
		}
		// YAML breaks lines at \n, \r\n and a lone \r.
		lines := strings.Count(strings.ReplaceAll(content, "\r\n", "\n"), "\n") +
			strings.Count(strings.ReplaceAll(content, "\r\n", ""), "\r") + 1
		for _, e := range errs {
			if e.File != path {
				t.Errorf("error names file %q, want %q: %v", e.File, path, &e)
			}
			if e.Line == 0 && lineless(e.Message) {
				continue
			}
			if e.Line < 1 || e.Line > lines+1 {
				t.Errorf("error has line %d (file has %d lines): %v", e.Line, lines, &e)
			}
			if !strings.HasPrefix(e.Error(), path+":") {
				t.Errorf("error text does not start with the file name: %v", &e)
			}
			if strings.Contains(e.Error(), "s3cret") {
				t.Errorf("error leaks the value of ${HOOK_SECRET}: %v", &e)
			}
		}
	})
}

// namesInclude reports whether the YAML document has a mapping key
// "include" anywhere (after escapes and aliases are resolved).
func namesInclude(content string) bool {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(content), &doc) != nil {
		return strings.Contains(content, "include") // Load fails to parse it too
	}
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n == nil || seen[n] {
			return false
		}
		seen[n] = true
		if n.Kind == yaml.AliasNode {
			return walk(n.Alias)
		}
		for i, k := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				key := k
				if key.Kind == yaml.AliasNode && key.Alias != nil {
					key = key.Alias
				}
				if key.Value == "include" {
					return true
				}
			}
			if walk(k) {
				return true
			}
		}
		return false
	}
	return walk(&doc)
}

// lineless reports whether an error may come without a line. A required
// section that is absent has no line to point at. go.yaml.in/yaml/v3 gives
// no line for syntax errors on the first line (its marks count from 0 and
// 0 means unknown), for an unknown anchor and for invalid UTF-8: config
// passes those on as they are (see the crash-safety report).
func lineless(msg string) bool {
	return strings.Contains(msg, "no feeds defined") || strings.HasPrefix(msg, "YAML syntax error: ")
}
