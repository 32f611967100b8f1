package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/notifytest"
	"github.com/storyline/storyline/storage"
)

// digestEnv is a config pointing at a real SMTP server and a real webhook
// receiver on loopback, and a clock that runs with real time but can be
// pushed forward (digest windows are per second).
type digestEnv struct {
	t    *testing.T
	cfg  string
	smtp *notifytest.SMTPServer
	hook *notifytest.Receiver

	mu     sync.Mutex
	offset time.Duration
}

func newDigestEnv(t *testing.T) *digestEnv {
	e := &digestEnv{
		t:    t,
		smtp: notifytest.NewSMTPServer(t, notifytest.SMTPOptions{NoTLS: true, Username: "bot", Password: "pw"}),
		hook: notifytest.NewReceiver(t, "hook-secret"),
	}
	e.cfg = writeConfig(t, fmt.Sprintf(`storage: {path: DBPATH}
feeds:
  - {name: wire, url: "https://wire.example/feed"}
digests:
  - name: morning
    schedule: "0 7 * * *"
    to: ["email:me@example.org", "webhook:ops"]
notify:
  email: {host: 127.0.0.1, port: %d, tls: none, username: bot, password: "${SMTP_PASSWORD}", from: storyline@example.org}
  webhooks:
    ops: {url: %q, format: json, secret: "${HOOK_SECRET}"}
`, e.smtp.Port, e.hook.URL))
	return e
}

func (e *digestEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return time.Now().UTC().Add(e.offset)
}

func (e *digestEnv) tick() { e.advance(time.Second) }

func (e *digestEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.offset += d
}

// cmd runs one command function as main would, on a fresh app.
func (e *digestEnv) cmd(fn func(context.Context, *app, []string) error, args ...string) (stdout string, err error) {
	e.t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"SMTP_PASSWORD": "pw", "HOOK_SECRET": "hook-secret"}
	a := &app{cfgPath: e.cfg, stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }, now: e.now,
		log: slog.New(slog.DiscardHandler)}
	if err := a.loadConfig(); err != nil {
		e.t.Fatal(err)
	}
	a.log = slog.New(slog.DiscardHandler)
	defer func() {
		if a.db != nil {
			a.db.Close()
		}
	}()
	err = fn(context.Background(), a, args)
	return out.String(), err
}

// addStory stores a story as a later poll of the feed would (not backlog).
func (e *digestEnv) addStory(title string) {
	e.t.Helper()
	_, err := e.cmd(func(ctx context.Context, a *app, _ []string) error {
		db, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		now := a.now()
		s := storyline.Story{URL: "https://wire.example/" + title, Canonical: "https://wire.example/" + title, Title: title,
			Summary: "About " + title + ".", Published: now, FirstSeen: now}
		return db.Update(ctx, func(tx *storage.Tx) error {
			fid, err := tx.FeedID(ctx, "wire", "https://wire.example/feed")
			if err != nil {
				return err
			}
			if err := tx.InsertStory(ctx, &s, fid, title); err != nil {
				return err
			}
			return tx.AddSighting(ctx, fid, "u:"+s.Canonical, s.ID, s.URL, now)
		})
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestDigestCommandDeliversOnce(t *testing.T) {
	e := newDigestEnv(t)
	e.addStory("talks-resume")
	e.addStory("ceasefire-holds")
	// The receiver is down for the first two attempts.
	e.hook.FailNext(2, 503, "1")

	out, err := e.cmd(cmdDigest)
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, out)
	}
	if !strings.Contains(out, "morning: 2 stories") || strings.Count(out, " sent ") != 2 {
		t.Errorf("output:\n%s", out)
	}

	mails := e.smtp.Messages()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1", len(mails))
	}
	m, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<digest.") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID %q", id)
	}
	parts := map[string]string{}
	_, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	if !strings.Contains(parts["text/plain"], "talks-resume") || !strings.Contains(parts["text/html"], `<a href="https://wire.example/ceasefire-holds"`) {
		t.Errorf("parts: %v", parts)
	}

	reqs, accepted := e.hook.Requests(), e.hook.Accepted()
	if len(reqs) != 3 || len(accepted) != 1 {
		t.Fatalf("webhook: %d requests, %d accepted; want 3 and exactly 1", len(reqs), len(accepted))
	}
	if accepted[0].SigErr != nil || accepted[0].Header.Get("Idempotency-Key") != reqs[0].Header.Get("Idempotency-Key") {
		t.Errorf("signature %v; idempotency keys %q / %q", accepted[0].SigErr, reqs[0].Header.Get("Idempotency-Key"), accepted[0].Header.Get("Idempotency-Key"))
	}

	// Again with nothing new: nothing is sent.
	e.tick()
	out, err = e.cmd(cmdDigest)
	if err != nil || !strings.Contains(out, "morning: nothing new, nothing sent") {
		t.Errorf("second digest: %v\n%s", err, out)
	}
	if len(e.smtp.Messages()) != 1 || len(e.hook.Requests()) != 3 {
		t.Errorf("running again sent: %d emails, %d webhook requests", len(e.smtp.Messages()), len(e.hook.Requests()))
	}

	// A dry run prints the text and sends (and records) nothing.
	e.tick()
	e.addStory("summit-called")
	out, err = e.cmd(cmdDigest, "--dry-run")
	if err != nil || !strings.Contains(out, "summit-called") || strings.Contains(out, "talks-resume") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	if len(e.smtp.Messages()) != 1 || len(e.hook.Requests()) != 3 {
		t.Error("a dry run sent something")
	}

	// A receiver that refuses for good: the delivery is dead, shown, and
	// retried on request.
	e.tick()
	e.hook.FailNext(1, 410, "")
	out, err = e.cmd(cmdDigest, "--name", "morning")
	if err == nil || !strings.Contains(out, "summit-called") && !strings.Contains(out, "dead") {
		t.Errorf("digest with a refusing receiver: %v\n%s", err, out)
	}
	out, err = e.cmd(cmdOutbox, "list", "--status", "dead")
	if err != nil || !strings.Contains(out, "webhook:ops") || !strings.Contains(out, "410") {
		t.Errorf("outbox --status dead: %v\n%s", err, out)
	}
	if _, err := e.cmd(cmdOutbox, "retry", "99"); err == nil || !strings.Contains(err.Error(), "no delivery 99") {
		t.Errorf("outbox retry of an unknown id: %v", err)
	}
	if _, err := e.cmd(cmdOutbox, "retry", "1"); err == nil || !strings.Contains(err.Error(), "1 is sent, not dead") {
		t.Errorf("outbox retry of a sent delivery: %v", err)
	}
	out, err = e.cmd(cmdOutbox, "retry")
	if err != nil || !strings.Contains(out, "re-queued 1 dead delivery") {
		t.Errorf("outbox retry: %v\n%s", err, out)
	}
	out, err = e.cmd(cmdOutbox, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(list) != 4 {
		t.Errorf("outbox has %d deliveries, want 4", len(list))
	}
	for _, d := range list {
		if d["status"] != "sent" {
			t.Errorf("delivery %v", d)
		}
	}
	if len(e.smtp.Messages()) != 2 || len(e.hook.Accepted()) != 2 {
		t.Errorf("in all: %d emails, %d webhooks; want 2 each", len(e.smtp.Messages()), len(e.hook.Accepted()))
	}
}

func TestDigestCommandUsage(t *testing.T) {
	e := newDigestEnv(t)
	for _, args := range [][]string{{"--name", "nope"}, {"extra"}, {"--bogus"}} {
		if _, err := e.cmd(cmdDigest, args...); !isUsage(err) {
			t.Errorf("digest %v: %v, want a usage error", args, err)
		}
	}
	for _, args := range [][]string{{"purge"}, {"list", "--status", "lost"}, {"retry", "x"}} {
		if _, err := e.cmd(cmdOutbox, args...); !isUsage(err) {
			t.Errorf("outbox %v: %v, want a usage error", args, err)
		}
	}
}

func isUsage(err error) bool {
	_, ok := err.(usageError)
	return ok
}

// TestDigestFeedHealth polls real feeds on loopback, one of which then
// fails, and checks the notice in the digest once it has failed for longer
// than fetch.alert_after.
func TestDigestFeedHealth(t *testing.T) {
	e := newDigestEnv(t)
	// Unsigned: the test clock runs days ahead of the receiver's.
	hook := notifytest.NewReceiver(t, "")
	var down atomic.Bool
	var items atomic.Int32
	items.Store(1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/down" && down.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		titles := []string{"Harbour reopens after the storm", "Council approves the budget", "Rail strike called off"}
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>%s</title>`, r.URL.Path)
		for i := range items.Load() {
			fmt.Fprintf(w, `<item><title>%s in %s</title><link>https://example.org%s/%d</link></item>`, titles[i], r.URL.Path, r.URL.Path, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer srv.Close()
	e.cfg = writeConfig(t, fmt.Sprintf(`storage: {path: DBPATH}
fetch: {alert_after: 1d}
feeds:
  - {name: wire, url: "%[1]s/wire"}
  - {name: down, url: "%[1]s/down"}
digests:
  - {name: morning, schedule: "0 7 * * *", to: ["webhook:ops"]}
notify:
  webhooks:
    ops: {url: %[2]q, format: json}
`, srv.URL, hook.URL))

	if out, err := e.cmd(cmdPoll); err != nil {
		t.Fatalf("first poll: %v\n%s", err, out)
	}
	// A feed no longer in the config, failing for long: not reported.
	_, err := e.cmd(func(ctx context.Context, a *app, _ []string) error {
		db, err := a.openDB(ctx)
		if err != nil {
			return err
		}
		return db.Update(ctx, func(tx *storage.Tx) error {
			return tx.SaveFeedState(ctx, storyline.FeedState{Name: "retired", URL: "https://retired.example/feed",
				LastFetch: a.now(), LastSuccess: a.now().Add(-30 * 24 * time.Hour), Failures: 50, LastStatus: 410, LastError: "HTTP 410 Gone"})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The first digest moves the window past the first poll's backlog.
	if out, err := e.cmd(cmdDigest); err != nil {
		t.Fatalf("first digest: %v\n%s", err, out)
	}

	// Half a day later down fails and wire has a new story: too early for
	// a notice.
	e.advance(12 * time.Hour)
	down.Store(true)
	items.Store(2)
	if out, err := e.cmd(cmdPoll); err == nil || !strings.Contains(out, "503") {
		t.Fatalf("poll with a failing feed: %v\n%s", err, out)
	}
	out, err := e.cmd(cmdDigest, "--dry-run")
	if err != nil || !strings.Contains(out, "Council approves the budget in /wire") || strings.Contains(out, "Feed health") {
		t.Errorf("dry run after 12h of failures: %v\n%s", err, out)
	}

	// Two days after its last success, down is reported.
	e.advance(36 * time.Hour)
	items.Store(3)
	if out, err := e.cmd(cmdPoll); err == nil {
		t.Fatalf("poll with a failing feed: %s", out)
	}
	out, err = e.cmd(cmdDigest, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Rail strike called off in /wire", "Feed health", "* down: failing for 2d: HTTP 503 Service Unavailable"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "retired") {
		t.Errorf("a feed no longer configured is reported:\n%s", out)
	}

	e.tick()
	out, err = e.cmd(cmdDigest)
	if err != nil || !strings.Contains(out, "morning: 2 stories, 0 follow-ups, 1 feed notice ->") {
		t.Fatalf("digest: %v\n%s", err, out)
	}
	accepted := hook.Accepted()
	if len(accepted) != 1 {
		t.Fatalf("%d webhooks accepted, want 1", len(accepted))
	}
	var p struct {
		Version    int `json:"version"`
		FeedHealth []struct {
			Feed, Problem, Reason string
			Failures              int
		} `json:"feed_health"`
	}
	if err := json.Unmarshal(accepted[0].Body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || len(p.FeedHealth) != 1 || p.FeedHealth[0].Feed != "down" || p.FeedHealth[0].Problem != "failing" ||
		p.FeedHealth[0].Failures != 2 || p.FeedHealth[0].Reason != "failing for 2d: HTTP 503 Service Unavailable" {
		t.Errorf("payload: %s", accepted[0].Body)
	}

	// Still failing, but nothing else new: nothing is sent.
	e.advance(time.Hour)
	if out, err := e.cmd(cmdPoll); err == nil {
		t.Fatalf("poll: %s", out)
	}
	out, err = e.cmd(cmdDigest)
	if err != nil || !strings.Contains(out, "morning: nothing new, nothing sent") || len(hook.Requests()) != 1 {
		t.Errorf("digest with only a feed notice: %v, %d requests\n%s", err, len(hook.Requests()), out)
	}
}
