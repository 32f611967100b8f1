package feedparse

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseRSS(t *testing.T) {
	doc := `<?xml version="1.0"?>
<rss version="2.0"><channel><title>  Example
 News </title><link>https://news.example/</link><ttl>45</ttl>
<item><title>Council to vote &amp; decide</title><link>/2024/vote?utm_source=rss#top</link>
<guid isPermaLink="false">id-1</guid><pubDate>28 Jan 2017 10:00 +0100</pubDate>
<description><![CDATA[<p>The council <b>will</b> vote on Tuesday.</p><script>alert(1)</script><p>Second&nbsp;line.</p>]]></description>
<source url="https://wire.example/">Wire Service</source>
<category>Politics</category></item>
<item><title></title><description></description></item>
</channel></rss>`
	f, err := Parse([]byte(doc), "application/rss+xml", "https://news.example/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Example News" || f.TTL != 45*time.Minute {
		t.Errorf("feed title %q ttl %v", f.Title, f.TTL)
	}
	if len(f.Items) != 1 {
		t.Fatalf("got %d items, want 1 (the empty item is dropped)", len(f.Items))
	}
	it := f.Items[0]
	want := map[string]string{
		"title":     "Council to vote & decide",
		"url":       "https://news.example/2024/vote?utm_source=rss#top",
		"canonical": "https://news.example/2024/vote",
		"summary":   "The council will vote on Tuesday.\nSecond line.",
		"guid":      "id-1",
		"source":    "Wire Service",
		"published": "2017-01-28T09:00:00Z",
	}
	got := map[string]string{
		"title": it.Title, "url": it.URL, "canonical": it.Canonical, "summary": it.Summary,
		"guid": it.GUID, "source": it.Source, "published": it.Published.Format(time.RFC3339),
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if len(it.Categories) != 1 || it.Categories[0] != "Politics" {
		t.Errorf("categories %q", it.Categories)
	}
}

func TestParseCharset(t *testing.T) {
	latin1 := "<rss version=\"2.0\"><channel><title>Caf\xe9</title><item><title>Cr\xe8me br\xfbl\xe9e</title><link>https://a.example/1</link></item></channel></rss>"
	for _, tt := range []struct {
		name, body, ctype, want string
	}{
		{"content-type charset applies when undeclared", latin1, "text/xml; charset=ISO-8859-1", "Crème brûlée"},
		{"invalid utf-8 without any charset reads as windows-1252", latin1, "text/xml", "Crème brûlée"},
		{"declaration wins over content-type", `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><item><title>Zürich</title><link>https://a.example/1</link></item></channel></rss>`, "text/xml; charset=ISO-8859-1", "Zürich"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.body), tt.ctype, "https://a.example/feed")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 || f.Items[0].Title != tt.want {
				t.Fatalf("items %+v, want title %q", f.Items, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"empty", "  \n", "empty document"},
		{"html page", "<!DOCTYPE html><html><body>Hello</body></html>", "not an RSS, Atom or JSON feed"},
		{"broken xml", `<rss version="2.0"><channel><item><title>x</titl`, "parse feed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body), "", "https://a.example/")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Parse([]byte("<html><p>x</p></html>"), "text/html", ""); !errors.Is(err, ErrNotFeed) {
		t.Errorf("html: %v, want ErrNotFeed", err)
	}
}

func TestParseAtomAndJSON(t *testing.T) {
	atom := `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="https://a.example/"/>
<entry><title type="html">&lt;b&gt;Launch&lt;/b&gt; set</title><link href="posts/1"/><id>urn:1</id>
<updated>2023-05-01T12:00:00+02:00</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`
	f, err := Parse([]byte(atom), "", "https://a.example/feed.atom")
	if err != nil {
		t.Fatal(err)
	}
	if it := f.Items[0]; it.Title != "Launch set" || it.URL != "https://a.example/posts/1" || it.Published.Format(time.RFC3339) != "2023-05-01T10:00:00Z" || it.Summary != "Body" {
		t.Errorf("atom item %+v", it)
	}
	js := `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://j.example/1","title":"Hello","content_text":"World","date_published":"2024-02-03T04:05:06Z"}]}`
	f, err = Parse([]byte(js), "application/feed+json", "https://j.example/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	if it := f.Items[0]; it.Title != "Hello" || it.Summary != "World" || it.Published.Format(time.RFC3339) != "2024-02-03T04:05:06Z" {
		t.Errorf("json item %+v", it)
	}
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"28 Jan 2017 10:00 +0100", "2017-01-28T09:00:00Z"},
		{"1485594000", "2017-01-28T09:00:00Z"},
		{"1485594000000", "2017-01-28T09:00:00Z"},
		{"Sat, 28 Jan 2017 09:00:00 GMT", "2017-01-28T09:00:00Z"},
		{"Sat, 28 Jan 2017 09:00:00 UT", "2017-01-28T09:00:00Z"},
		{"2017-01-28 09:00:00", "2017-01-28T09:00:00Z"},
		{"Sat, 28 Jan 2017 10:00:00 +0100 (CET)", "2017-01-28T09:00:00Z"},
		{"January 28, 2017", "2017-01-28T00:00:00Z"},
	} {
		got, err := ParseDate(tt.in)
		if err != nil || got.Format(time.RFC3339) != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseDate("next Tuesday-ish"); err == nil {
		t.Error("want an error for an unrecognised date")
	}
}

func TestHTMLToText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain   text", "plain text"},
		{"<p>a</p><p>b &amp; c</p>", "a\nb & c"},
		{"x<br/>y", "x\ny"},
		{"<style>p{}</style><div>kept</div><script>var a = '<p>';</script>", "kept"},
		{"Fish &amp; chips &#8212; &quot;fine&quot;", "Fish & chips — \"fine\""},
		{"<img src=x onerror=alert(1)>caption", "caption"},
	} {
		if got := HTMLToText(tt.in); got != tt.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCorpus: every real-world feed either parses or fails with a clear error.
func TestCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus", "feeds")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus not available (%v): skipping; it lives in ../shared/corpus/feeds beside the repo", err)
	}
	var parsed, failed, items int
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) == ".tsv" {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := Parse(body, "", "https://corpus.example/feed")
		if err != nil {
			failed++
			if err.Error() == "" {
				t.Errorf("%s: empty error message", path)
			}
			t.Logf("%s: %v", path, err)
			return nil
		}
		parsed++
		items += len(f.Items)
		for _, it := range f.Items {
			if !it.Published.IsZero() && it.Published.Location() != time.UTC {
				t.Errorf("%s: time not UTC", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus: %d parsed (%d items), %d failed with an error", parsed, items, failed)
	if parsed < 100 {
		t.Errorf("only %d corpus feeds parsed", parsed)
	}
}

func TestAbsoluteLinkKeptAsPublished(t *testing.T) {
	link := `http://www.example.com/article.aspx\?id=183316&amp;cat=985`
	doc := `<rss version="2.0"><channel><item><title>x</title><link>` + strings.ReplaceAll(link, "&", "&amp;") + `</link></item></channel></rss>`
	f, err := Parse([]byte(doc), "", "https://feed.example/")
	if err != nil {
		t.Fatal(err)
	}
	if f.Items[0].URL != link {
		t.Errorf("URL %q, want it as published %q", f.Items[0].URL, link)
	}
}

// TestNotAFeedIsCheap: bytes that cannot open a feed are refused before
// the copies decoding and parsing make.
func TestNotAFeedIsCheap(t *testing.T) {
	body := make([]byte, 8<<20)
	rand.Read(body)
	body[0] = 'x'
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse(body, "", "https://x.example/feed")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrNotFeed) {
		t.Errorf("random bytes: %v, want ErrNotFeed", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing 8 MB of random bytes allocated %d bytes", grew)
	}
}
