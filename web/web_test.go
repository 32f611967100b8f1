package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/web"
)

// seeded is a real store with the seed scenario ingested, plus extra feed
// documents.
func seeded(t *testing.T, extra ...string) *storage.DB {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "fixtures", "seed-scenario", "*.xml"))
	if len(files) == 0 {
		t.Skip("seed fixtures not found in ../shared/fixtures (../shared beside the repo): skipping")
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// The daemon's own pipeline: dedupe, follow-ups, topics.
	p, err := daemon.NewPipeline(config.Default(), db, nil, nil, slog.New(slog.DiscardHandler), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	var items []pipeline.Archived
	add := func(name string, body []byte) {
		f, err := feedparse.Parse(body, "", "file:///"+name)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			items = append(items, pipeline.Archived{Feed: name, FeedURL: "file:///" + name, Item: it})
		}
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(filepath.Base(f), body)
	}
	for i, doc := range extra {
		add("extra"+string(rune('a'+i)), []byte(doc))
	}
	if _, err := p.Ingest(ctx, items); err != nil {
		t.Fatal(err)
	}
	return db
}

func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// now is two days after the seed's Saturday: the Putin call happened, the
// Merkel and Hollande calls are overdue.
var now = time.Date(2017, 1, 31, 12, 0, 0, 0, time.UTC)

func handler(db *storage.DB, token string) http.Handler {
	return web.New(web.Options{DB: db, Followup: followup.DefaultOptions(), Now: func() time.Time { return now }, Token: token})
}

func TestPage(t *testing.T) {
	h := handler(seeded(t), "")
	w := get(t, h, "/")
	body := w.Body.String()
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", w.Code, w.Header())
	}
	for _, want := range []string{`id="upcoming"`, `id="followups"`, `id="overdue"`, "<svg", "Putin", "Merkel", "happened", "overdue"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(body, "<script") {
		t.Errorf("CSP %q, or a script in the page", csp)
	}
	if w2 := get(t, h, "/", "If-None-Match", w.Header().Get("ETag")); w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
		t.Errorf("reload with the ETag: %d", w2.Code)
	}
	if w := get(t, h, "/?q=putin"); !strings.Contains(w.Body.String(), "Putin") {
		t.Errorf("search for putin: %d", w.Code)
	}
	if w := get(t, h, "/?q=zebra+crossing"); strings.Contains(w.Body.String(), "Putin") || !strings.Contains(w.Body.String(), "Nothing overdue") {
		t.Errorf("search for nothing: %d", w.Code)
	}
	if w := get(t, h, "/style.css"); w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("style: %d", w.Code)
	}
}

func TestEventPage(t *testing.T) {
	db := seeded(t)
	threads, err := db.Threads(context.Background(), storage.ThreadFilter{})
	if err != nil || len(threads) == 0 {
		t.Fatal(err)
	}
	h := handler(db, "")
	for _, th := range threads {
		w := get(t, h, "/events/"+itoa(th.Anticipation.ID))
		if w.Code != 200 || !strings.Contains(w.Body.String(), "What became of it") || !strings.Contains(w.Body.String(), "<svg") {
			t.Errorf("event %d: %d", th.Anticipation.ID, w.Code)
		}
		if len(th.Outcomes) > 0 && !strings.Contains(w.Body.String(), "why:") {
			t.Errorf("event %d with an outcome shows no explanation", th.Anticipation.ID)
		}
	}
	if w := get(t, h, "/events/999999"); w.Code != 404 {
		t.Errorf("no such event: %d", w.Code)
	}
}

func TestCalendar(t *testing.T) {
	w := get(t, handler(seeded(t), ""), "/calendar.ics")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("%d %s", w.Code, w.Header())
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("calendar does not parse: %v\n%s", err, w.Body)
	}
	statuses := map[string]bool{}
	for _, e := range cal.Events() {
		if e.Id() == "" || e.GetProperty(ics.ComponentPropertySummary) == nil || e.GetProperty(ics.ComponentPropertyDtStart) == nil {
			t.Errorf("event without uid, summary or start:\n%s", e.Serialize(nil))
		}
		if p := e.GetProperty(ics.ComponentPropertyStatus); p != nil {
			statuses[p.Value] = true
		}
	}
	if len(cal.Events()) == 0 || !statuses["CONFIRMED"] || !statuses["TENTATIVE"] {
		t.Errorf("%d events, statuses %v:\n%s", len(cal.Events()), statuses, w.Body)
	}
}

func TestAtom(t *testing.T) {
	w := get(t, handler(seeded(t), ""), "/feed.atom")
	if w.Code != 200 {
		t.Fatalf("%d", w.Code)
	}
	f, err := gofeed.NewParser().ParseString(w.Body.String())
	if err != nil || f.FeedType != "atom" {
		t.Fatalf("Atom does not parse: %v\n%s", err, w.Body)
	}
	if len(f.Items) == 0 || !strings.Contains(f.Items[0].Title, "happened") || f.Items[0].GUID == "" || f.Items[0].Link == "" {
		t.Errorf("entries: %+v", f.Items)
	}
}

func TestToken(t *testing.T) {
	h := handler(seeded(t), "s3cret-token")
	if w := get(t, h, "/"); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "s3cret") {
		t.Errorf("no token: %d %s", w.Code, w.Body)
	}
	if w := get(t, h, "/", "Authorization", "Bearer wrong"); w.Code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", w.Code)
	}
	if w := get(t, h, "/", "Authorization", "Bearer s3cret-token"); w.Code != 200 {
		t.Errorf("bearer token: %d", w.Code)
	}
	if w := get(t, h, "/calendar.ics?token=s3cret-token"); w.Code != 200 {
		t.Errorf("?token=: %d", w.Code)
	}
}

// TestHostileContent: scripts, javascript: links, broken markup and a
// 10,000-character word from a feed render inert.
func TestHostileContent(t *testing.T) {
	long := strings.Repeat("x", 10000)
	db := seeded(t, `<rss version="2.0"><channel><title>Evil</title>
<item><title>Mayor &lt;script&gt;alert(1)&lt;/script&gt; and governor expected to meet on Monday `+long+`</title>
<link>javascript:alert(1)</link><description>&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;unclosed The mayor will meet the governor on Monday.</description>
<pubDate>Sat, 28 Jan 2017 10:00:00 GMT</pubDate></item></channel></rss>`)
	w := get(t, handler(db, ""), "/")
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, long[:100]) {
		t.Fatalf("%d: the hostile story is not shown", w.Code)
	}
	for _, bad := range []string{"<script", "onerror=", `href="javascript:`} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("page carries %q", bad)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestStorylines: the same story from several outlets shows as one
// storyline on the page and has a page of its own.
func TestStorylines(t *testing.T) {
	item := func(outlet, title, lead string) string {
		return `<rss version="2.0"><channel><title>` + outlet + `</title><item><title>` + title + `</title><link>https://` + outlet +
			`.example/harbour</link><description>` + lead + `</description><pubDate>Mon, 30 Jan 2017 09:00:00 GMT</pubDate></item></channel></rss>`
	}
	lead := "Dock workers at the northern harbour walked out on Monday over shift pay, halting container traffic for the day, the port authority said."
	db := seeded(t, item("coastpost", "Harbour strike halts container traffic", lead),
		item("baytimes", "Harbour strike halts container traffic at northern port", lead))
	h := handler(db, "")
	body := get(t, h, "/").Body.String()
	if !strings.Contains(body, "Storylines this week") || !strings.Contains(body, "2 stories from 2 outlets") {
		t.Fatalf("page lacks the storyline:\n%s", body)
	}
	_, rest, _ := strings.Cut(body, `href="/storylines/`)
	id, _, _ := strings.Cut(rest, `"`)
	w := get(t, h, "/storylines/"+id)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "coastpost") || !strings.Contains(w.Body.String(), "baytimes") {
		t.Errorf("storyline page: %d\n%s", w.Code, w.Body)
	}
	if w := get(t, h, "/storylines/424242"); w.Code != 404 {
		t.Errorf("no such storyline: %d", w.Code)
	}
}

// TestAtomCarriesDigests: each digest sent is an entry of the feed.
func TestAtomCarriesDigests(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	at := now.Add(-2 * time.Hour)
	err := db.Update(ctx, func(tx *storage.Tx) error {
		return tx.RecordDigest(ctx, storyline.DigestState{Name: "morning", LastEnd: at},
			&storyline.DigestRecord{Key: "morning@2017-01-31T10:00:00Z", Name: "morning", Subject: "Morning briefing",
				WindowEnd: at, Created: at, MessageID: "<d1@example.org>", Text: "Two calls, one happened.", HTML: "<p>x</p>", Payload: []byte("{}")}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := gofeed.NewParser().ParseString(get(t, handler(db, ""), "/feed.atom").Body.String())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range f.Items {
		if it.Title == "Digest: Morning briefing" && strings.Contains(it.Description, "Two calls") {
			found = true
		}
	}
	if !found {
		t.Errorf("no digest entry in %d entries", len(f.Items))
	}
}

func TestRequireToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	if w := get(t, web.RequireToken("", ok), "/metrics"); w.Code != 204 {
		t.Errorf("no token set: %d", w.Code)
	}
	h := web.RequireToken("tok", ok)
	if w := get(t, h, "/metrics"); w.Code != 401 {
		t.Errorf("without the token: %d", w.Code)
	}
	if w := get(t, h, "/metrics", "Authorization", "Bearer tok"); w.Code != 204 {
		t.Errorf("with the token: %d", w.Code)
	}
}
