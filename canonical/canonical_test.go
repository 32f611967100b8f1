package canonical

import "testing"

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1#frag", "https://example.com/a/b?a=1&b=2"},
		{"http://example.com:80", "http://example.com/"},
		{"http://example.com:8080/x", "http://example.com:8080/x"},
		{"https://example.com/story?fbclid=abc&gclid=def", "https://example.com/story"},
		{"https://example.com/story?id=7&utm_medium=rss&UTM_Campaign=c", "https://example.com/story?id=7"},
		{"https://example.com/s?b=2&a=1&b=1", "https://example.com/s?a=1&b=2&b=1"},
		{"https://example.com/Case/Path", "https://example.com/Case/Path"},
		{"https://user:pw@example.com/x", "https://example.com/x"},
		{"https://example.com./x", "https://example.com/x"},
		{"https://[::1]:443/x", "https://[::1]/x"},
		{"https://example.com/a%2Fb?q=a%20b", "https://example.com/a%2Fb?q=a%20b"},
		{"https://example.com/x?", "https://example.com/x"},
		{"  https://example.com/x  ", "https://example.com/x"},
		{"mailto:someone@example.com", "mailto:someone@example.com"},
		{"/relative/path", "/relative/path"},
		{"", ""},
	}
	for _, tt := range tests {
		got := URL(tt.in)
		if got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := URL(got); again != got {
			t.Errorf("URL not idempotent on %q: %q -> %q", tt.in, got, again)
		}
	}
}

func TestCanonicalTrailingSpaceInQuery(t *testing.T) {
	for _, in := range []string{"http://0?A\x89\x89 #", "https://example.com/?a=1& ", "https://example.com/? "} {
		c := URL(in)
		if again := URL(c); again != c {
			t.Errorf("URL(%q) = %q, again %q", in, c, again)
		}
	}
}
