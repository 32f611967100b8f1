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
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/notify/notifytest"
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

func (e *digestEnv) tick() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.offset += time.Second
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
