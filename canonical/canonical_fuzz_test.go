package canonical

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzCanonical: URL never panics, is idempotent, and never keeps a
// tracking parameter or a fragment in an http(s) URL.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1#frag",
		"http://[::1]:80/?fbclid=1",
		"https://example.com/%zz?q=%",
		"https://u:p@example.com./x;y?b&a=&a=1",
		"mailto:x@example.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := URL(raw)
		if again := URL(c); again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		u, err := url.Parse(c)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		if u.Fragment != "" {
			t.Fatalf("fragment kept: %q", c)
		}
		for _, p := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(p, "=")
			if k, err := url.QueryUnescape(k); err == nil && isTracking(k) {
				t.Fatalf("tracking parameter kept: %q", c)
			}
		}
	})
}
