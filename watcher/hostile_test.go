package watcher_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/memstat"
	"github.com/storyline/storyline/watcher"
)

// hostile servers: each must fail only its own feed, with a clear stored
// error, in bounded time and memory, while a good feed is polled alongside.
func hostileCases() map[string]struct {
	handler http.HandlerFunc
	tls     bool
	want    string // substring of the stored error; "" means the poll may succeed
} {
	zeros := make([]byte, 1<<16)
	return map[string]struct {
		handler http.HandlerFunc
		tls     bool
		want    string
	}{
		"gzip bomb": {handler: func(w http.ResponseWriter, r *http.Request) {
			// An endless gzip stream of zeros: ~1000:1, so 1 MB on the wire is ~1 GB.
			w.Header().Set("Content-Encoding", "gzip")
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			for i := 0; i < 10<<14; i++ { // up to 10 GB decompressed
				if _, err := zw.Write(zeros); err != nil {
					return
				}
			}
			zw.Close()
		}, want: "body exceeds the size limit"},
		"endless body": {handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<rss version="2.0"><channel><title>`)
			for {
				if _, err := w.Write(bytes.Repeat([]byte("a"), 1<<16)); err != nil {
					return
				}
			}
		}, want: "body exceeds the size limit"},
		"drip one byte a second": {handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			for _, c := range []byte(`<rss version="2.0"><channel>`) {
				if _, err := w.Write([]byte{c}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		}, want: "timed out after"},
		"redirect loop": {handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop", http.StatusFound)
		}, want: "more than 5 redirects"},
		"redirect to file scheme": {handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}, want: `redirect to unsupported scheme "file"`},
		"html page": {handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<!doctype html><html><head><title>Hi</title></head><body><p>Not a feed</p></body></html>")
		}, want: "not an RSS, Atom or JSON feed"},
		"empty 200": {handler: func(w http.ResponseWriter, r *http.Request) {}, want: "empty document"},
		"invalid utf-8": {handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<rss version=\"2.0\"><channel><item><title>caf\xff\xfe</title><link>https://x.example/1</link></item></channel></rss>")
		}, want: ""},
		"billion laughs": {handler: func(w http.ResponseWriter, r *http.Request) {
			var b strings.Builder
			b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
			prev := "lol"
			for i := 1; i <= 9; i++ {
				name := "lol" + strconv.Itoa(i)
				fmt.Fprintf(&b, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
				prev = name
			}
			b.WriteString(`]><rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>`)
			io.WriteString(w, b.String())
		}, want: ""}, // entities are not expanded: the document parses, small
		"deeply nested": {handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<rss version="2.0"><channel><item><description>`)
			io.WriteString(w, strings.Repeat("<x>", 200000))
			io.WriteString(w, strings.Repeat("</x>", 200000))
			io.WriteString(w, `</description></item></channel></rss>`)
		}, want: ""}, // tags in a description are text to the parser
		"50,000 items": {handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<rss version="2.0"><channel><title>Big</title>`)
			for i := range 50000 {
				fmt.Fprintf(w, `<item><title>Item %d</title><link>https://big.example/%d</link><description>Short text of item %d.</description></item>`, i, i, i)
			}
			io.WriteString(w, `</channel></rss>`)
		}, want: ""},
		"429 storm": {handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "999999999")
			w.WriteHeader(http.StatusTooManyRequests)
		}, want: "HTTP 429"},
		"connection reset": {handler: func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST instead of FIN
			}
			conn.Close()
		}, want: "connection reset"},
		"bad certificate": {handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<rss version="2.0"><channel></channel></rss>`)
		}, tls: true, want: "certificate"},
	}
}

func TestHostileServers(t *testing.T) {
	if testing.Short() {
		t.Skip("polls hostile servers for several seconds; skipped in -short mode")
	}
	var feeds []watcher.Feed
	wants := map[string]string{}
	for name, c := range hostileCases() {
		var srv *httptest.Server
		if c.tls {
			srv = httptest.NewTLSServer(c.handler)
		} else {
			srv = httptest.NewServer(c.handler)
		}
		defer srv.Close()
		feeds = append(feeds, watcher.Feed{Name: name, URL: srv.URL + "/feed"})
		wants[name] = c.want
	}
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, rss, "") }))
	defer good.Close()
	feeds = append(feeds, watcher.Feed{Name: "good", URL: good.URL})

	e := newEnv(t, watcher.FetchOptions{Timeout: 3 * time.Second, MaxBody: 15 << 20})
	results, err := e.w.PollAll(context.Background(), feeds, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Feed == "good" {
			if r.Err != nil || r.Stats.New != 2 {
				t.Errorf("good feed: %+v", r)
			}
			continue
		}
		want := wants[r.Feed]
		st, _ := e.db.FeedState(context.Background(), r.Feed)
		switch {
		case want == "" && r.Err != nil:
			t.Errorf("%s: unexpected error %v", r.Feed, r.Err)
		case want != "" && (r.Err == nil || !strings.Contains(st.LastError, want)):
			t.Errorf("%s: stored error %q, want it to contain %q", r.Feed, st.LastError, want)
		}
		t.Logf("%-24s -> %s", r.Feed, orOK(st.LastError))
	}
	if runtime.GOOS == "linux" {
		switch peak := memstat.PeakRSS(); {
		case peak == 0:
			t.Error("could not read the peak RSS from /proc/self/status")
		case peak > 200<<20:
			t.Errorf("peak RSS %d MB while polling the hostile servers, want under 200 MB", peak>>20)
		default:
			t.Logf("peak RSS of the test process: %d MB", peak>>20)
		}
	}
}

func orOK(s string) string {
	if s == "" {
		return "ok (parsed)"
	}
	return s
}
