package feedparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any document either parses into items with valid UTF-8 text and
// UTC times, or fails with an error; it never panics or hangs. Seeds are the
// committed corpus in testdata/fuzz plus, when present, the real-world feeds
// in ../shared/corpus/feeds (read in place, never copied here).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<rss version="2.0"><channel><title>t</title><item><title>a &amp; b</title><link>/x</link><pubDate>28 Jan 2017 10:00 +0100</pubDate><description>&lt;p&gt;hi&lt;/p&gt;</description></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">&lt;b&gt;x&lt;/b&gt;</title><link href="a"/><updated>2023-01-01T00:00:00Z</updated></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"<p>x</p>","date_published":"1485594000"}]}`,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>caf\xe9</title></item></channel></rss>",
	} {
		f.Add([]byte(s), "")
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "feeds", "*", "*", "*.xml"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "feeds", "*", "*.*"))
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b, "text/xml; charset=iso-8859-1")
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := Parse(body, contentType, "https://fuzz.example/feed")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, it := range feed.Items {
			for _, s := range []string{it.Title, it.Summary, it.Content, it.URL} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %q", s)
				}
			}
			if strings.ContainsAny(it.Title, "\n\r\t") {
				t.Fatalf("title not on one line: %q", it.Title)
			}
			if !it.Published.IsZero() && it.Published.Location().String() != "UTC" {
				t.Fatalf("time not UTC: %v", it.Published)
			}
		}
	})
}

// FuzzParseDate: never panics; a parsed date is UTC.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"28 Jan 2017 10:00 +0100", "1485594000", "Sat, 28 Jan 2017 09:00:00 GMT", "2017-01-28", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDate(s); err == nil && d.Location().String() != "UTC" {
			t.Fatalf("%q -> %v not UTC", s, d)
		}
	})
}
