package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/notifytest"
	"github.com/storyline/storyline/notify"
	"github.com/storyline/storyline/notify/email"
	"github.com/storyline/storyline/notify/webhook"
	"github.com/storyline/storyline/storage"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a real outbox in a SQLite file with a real SMTP server and a real
// webhook receiver on loopback.
type env struct {
	t     *testing.T
	path  string
	db    *storage.DB
	clock *clock
	smtp  *notifytest.SMTPServer
	hook  *notifytest.Receiver
	spec  notify.Spec
}

const hookSecret = "hook-secret"

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{
		t:    t,
		path: filepath.Join(t.TempDir(), "storyline.db"),
		// Deliverers on the real clock share the outbox with this one.
		clock: &clock{t: time.Now().UTC().Truncate(time.Second)},
		smtp:  notifytest.NewSMTPServer(t, notifytest.SMTPOptions{Username: "bot", Password: "pw"}),
		hook:  notifytest.NewReceiver(t, hookSecret),
		spec: notify.Spec{Name: "morning", Subject: "storyline: morning", To: []string{"email:me@example.org", "webhook:ops"},
			MaxStories: 50, Upcoming: 7 * 24 * time.Hour, Grace: 2 * 24 * time.Hour},
	}
	e.open()
	t.Cleanup(func() { e.db.Close() })
	return e
}

func (e *env) open() {
	db, err := storage.Open(context.Background(), e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
}

// restart closes the store, as a crash or a stop would, and opens it again.
func (e *env) restart() {
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

// The real store feeds the follow-up sections.
var _ notify.EventTx = (*storage.Tx)(nil)

func (e *env) digester() *notify.Digester {
	return &notify.Digester{
		Update: func(ctx context.Context, fn func(notify.Tx) error) error {
			return e.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
		},
		Specs:  []notify.Spec{e.spec},
		Domain: "example.org",
		Now:    e.clock.Now,
	}
}

func (e *env) deliverer(now func() time.Time) *notify.Deliverer {
	mailer, err := email.New(email.Config{Host: e.smtp.Host, Port: e.smtp.Port, Username: "bot", Password: "pw",
		From: "storyline@example.org", TLSConfig: e.smtp.ClientTLS, Timeout: 5 * time.Second})
	if err != nil {
		e.t.Fatal(err)
	}
	return &notify.Deliverer{
		Outbox: e.db,
		Senders: map[string]notify.Sender{
			"email":   mailer,
			"webhook": &webhook.Sender{Hooks: map[string]webhook.Hook{"ops": {URL: e.hook.URL, Secret: hookSecret}}},
		},
		Policy: notify.Policy{MaxAttempts: 6, MaxAge: time.Hour, Base: 20 * time.Millisecond, Max: 200 * time.Millisecond, Timeout: 5 * time.Second},
		Now:    now,
	}
}

// addStory stores a story as a poll would: backlog when it comes from the
// feed's first poll.
func (e *env) addStory(feed, title string, backlog bool, opts ...func(*storyline.Story)) int64 {
	e.t.Helper()
	id, err := e.store(feed, title, backlog, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) store(feed, title string, backlog bool, opts ...func(*storyline.Story)) (int64, error) {
	ctx := context.Background()
	now := e.clock.Now()
	s := storyline.Story{URL: "https://" + feed + ".example/" + title, Canonical: "https://" + feed + ".example/" + title,
		Title: title, Summary: "About " + title, Published: now, FirstSeen: now, Backlog: backlog}
	for _, o := range opts {
		o(&s)
	}
	err := e.db.Update(ctx, func(tx *storage.Tx) error {
		fid, err := tx.FeedID(ctx, feed, "https://"+feed+".example/feed")
		if err != nil {
			return err
		}
		if err := tx.InsertStory(ctx, &s, fid, title); err != nil {
			return err
		}
		return tx.AddSighting(ctx, fid, "u:"+s.Canonical, s.ID, s.URL, now)
	})
	return s.ID, err
}

func (e *env) run() notify.Result {
	e.t.Helper()
	res, err := e.digester().Run(context.Background(), e.spec.Name)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) deliveries(key string) map[string]storyline.Delivery {
	e.t.Helper()
	ds, err := e.db.Deliveries(context.Background(), storage.DeliveryFilter{DigestKeys: []string{key}})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]storyline.Delivery{}
	for _, d := range ds {
		out[d.Recipient] = d
	}
	return out
}

func (e *env) drain(dl *notify.Deliverer) {
	e.t.Helper()
	if err := dl.Drain(context.Background(), time.Now().Add(10*time.Second)); err != nil {
		e.t.Fatal(err)
	}
}

func TestDigestDeliveredOnce(t *testing.T) {
	e := newEnv(t)
	e.addStory("wire", "first-poll-story", true)
	e.addStory("wire", "talks-resume", false)
	e.addStory("bbc", "talks-resume-bbc", false)

	res := e.run()
	if res.Record == nil || !res.Recorded || res.Record.Stories != 2 {
		t.Fatalf("first run: %+v", res)
	}
	if strings.Contains(res.Record.Text, "first-poll-story") {
		t.Error("a backlog story went into the digest")
	}
	e.drain(e.deliverer(e.clock.Now))

	mails, hooks := e.smtp.Messages(), e.hook.Accepted()
	if len(mails) != 1 || len(hooks) != 1 {
		t.Fatalf("got %d emails and %d webhooks, want one each", len(mails), len(hooks))
	}
	if m, err := mail.ReadMessage(bytes.NewReader(mails[0].Data)); err != nil ||
		m.Header.Get("Message-Id") != "<"+notify.MessageID(res.Record.Key, "example.org")+">" {
		t.Errorf("email without the digest's Message-ID (%v):\n%s", err, mails[0].Data)
	}
	h := hooks[0]
	if h.SigErr != nil || h.Header.Get("Idempotency-Key") != res.Record.Key {
		t.Errorf("webhook: signature %v, Idempotency-Key %q", h.SigErr, h.Header.Get("Idempotency-Key"))
	}
	p, err := notify.ParsePayload(h.Body)
	if err != nil || p.Key != res.Record.Key || len(p.Sections) != 1 || len(p.Sections[0].Stories) != 2 {
		t.Errorf("payload: %+v, %v", p, err)
	}
	for r, d := range e.deliveries(res.Record.Key) {
		if d.Status != storyline.DeliverySent || d.Attempts != 1 {
			t.Errorf("%s: %s after %d attempts", r, d.Status, d.Attempts)
		}
	}

	// Nothing new: nothing is recorded, nothing is sent.
	e.clock.Add(time.Hour)
	if res := e.run(); res.Record != nil {
		t.Errorf("second run with nothing new recorded %s", res.Record.Key)
	}
	e.drain(e.deliverer(e.clock.Now))
	if len(e.smtp.Messages()) != 1 || len(e.hook.Requests()) != 1 {
		t.Errorf("running again sent more: %d emails, %d webhook requests", len(e.smtp.Messages()), len(e.hook.Requests()))
	}

	// Something new: only it goes out.
	e.clock.Add(time.Hour)
	e.addStory("wire", "talks-end", false)
	res2 := e.run()
	if res2.Record == nil || res2.Record.Stories != 1 || !strings.Contains(res2.Record.Text, "talks-end") ||
		strings.Contains(res2.Record.Text, "talks-resume") {
		t.Fatalf("third run: %+v", res2.Record)
	}
	if res2.Record.WindowStart != res.Record.WindowEnd.Add(time.Hour) {
		t.Errorf("window starts %v, want where the previous run ended", res2.Record.WindowStart)
	}
	e.drain(e.deliverer(e.clock.Now))
	if len(e.smtp.Messages()) != 2 || len(e.hook.Accepted()) != 2 {
		t.Errorf("after new stories: %d emails, %d webhooks; want 2 each", len(e.smtp.Messages()), len(e.hook.Accepted()))
	}
}

// TestTopicSections reads the topics the pipeline recorded for each story.
func TestTopicSections(t *testing.T) {
	e := newEnv(t)
	e.spec.Topics = []string{"russia", "markets"}
	ctx := context.Background()
	tag := func(id int64, topics ...string) {
		var hits []storyline.TopicHit
		for _, tp := range topics {
			hits = append(hits, storyline.TopicHit{Topic: tp})
		}
		if err := e.db.Update(ctx, func(tx *storage.Tx) error { return tx.SetStoryTopics(ctx, id, hits) }); err != nil {
			t.Fatal(err)
		}
	}
	tag(e.addStory("wire", "oil-price", false), "markets")
	tag(e.addStory("wire", "sanctions", false), "markets", "russia")
	e.addStory("wire", "football", false)
	d := e.run().Digest
	var got []string
	for _, sec := range d.Sections {
		for _, st := range sec.Stories {
			got = append(got, sec.Topic+":"+st.Title)
		}
	}
	if want := "russia:sanctions markets:oil-price"; strings.Join(got, " ") != want {
		t.Errorf("sections = %v, want %s", got, want)
	}
}

func TestEmptyDigest(t *testing.T) {
	e := newEnv(t)
	if res := e.run(); res.Record != nil {
		t.Fatalf("empty digest recorded: %+v", res.Record)
	}
	e.spec.SendEmpty = true
	e.clock.Add(time.Minute)
	res := e.run()
	if res.Record == nil || !strings.Contains(res.Record.Text, "Nothing new.") {
		t.Fatalf("send_empty digest: %+v", res.Record)
	}
	e.drain(e.deliverer(e.clock.Now))
	if len(e.smtp.Messages()) != 1 || len(e.hook.Accepted()) != 1 {
		t.Errorf("send_empty: %d emails, %d webhooks", len(e.smtp.Messages()), len(e.hook.Accepted()))
	}
}

func TestPreviewRecordsNothing(t *testing.T) {
	e := newEnv(t)
	e.addStory("wire", "a", false)
	res, err := e.digester().Preview(context.Background(), "morning")
	if err != nil || res.Record == nil || res.Recorded {
		t.Fatalf("preview: %+v, %v", res, err)
	}
	if res := e.run(); res.Record == nil || res.Record.Stories != 1 {
		t.Errorf("the run after a preview: %+v (a preview must not move the window)", res.Record)
	}
	if _, err := e.digester().Run(context.Background(), "nope"); err == nil {
		t.Error("an unknown digest ran")
	}
}

func TestReceiverDownThenUp(t *testing.T) {
	e := newEnv(t)
	e.addStory("wire", "a", false)
	e.hook.FailNext(2, 503, "")
	e.hook.FailNext(1, 429, "0")
	e.smtp.FailNext(2, 451)
	key := e.run().Record.Key
	e.drain(e.deliverer(time.Now))

	if got := len(e.hook.Requests()); got != 4 {
		t.Errorf("webhook requests = %d, want 4 (503, 503, 429, 2xx)", got)
	}
	if len(e.hook.Accepted()) != 1 || len(e.smtp.Messages()) != 1 {
		t.Errorf("accepted %d webhooks, %d emails; want exactly one each", len(e.hook.Accepted()), len(e.smtp.Messages()))
	}
	ds := e.deliveries(key)
	if d := ds["webhook:ops"]; d.Status != storyline.DeliverySent || d.Attempts != 4 {
		t.Errorf("webhook delivery %+v", d)
	}
	if d := ds["email:me@example.org"]; d.Status != storyline.DeliverySent || d.Attempts != 3 {
		t.Errorf("email delivery %+v", d)
	}
	for _, r := range e.hook.Requests() {
		if r.Header.Get("Idempotency-Key") != key {
			t.Errorf("a retry changed the Idempotency-Key to %q", r.Header.Get("Idempotency-Key"))
		}
	}
}

func TestRetryPacing(t *testing.T) {
	e := newEnv(t)
	e.spec.To = []string{"webhook:ops"}
	e.addStory("wire", "a", false)
	key := e.run().Record.Key
	now := e.clock.Now()
	dl := e.deliverer(e.clock.Now)
	dl.Jitter = func() float64 { return 0.5 }

	e.hook.FailNext(1, 429, "30")
	if _, err := dl.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := e.deliveries(key)["webhook:ops"]
	if d.Status != storyline.DeliveryPending || !d.NextAttempt.Equal(now.Add(30*time.Second)) || !strings.Contains(d.LastError, "429") {
		t.Fatalf("after 429 Retry-After 30: %+v", d)
	}
	e.clock.Add(30 * time.Second)
	e.hook.FailNext(1, 500, "")
	if _, err := dl.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	d = e.deliveries(key)["webhook:ops"]
	// Attempt 2 failed: backoff 2·20ms = 40ms, jittered to 30ms (half plus half of the rest).
	if want := e.clock.Now().Add(30 * time.Millisecond); d.Status != storyline.DeliveryPending || !d.NextAttempt.Equal(want) {
		t.Fatalf("after a 500: next %v, want %v", d.NextAttempt, want)
	}
	// Not due yet: nothing is sent.
	if n, err := dl.DeliverDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("before due: %d attempts, %v", n, err)
	}
	e.clock.Add(30 * time.Millisecond)
	if n, err := dl.DeliverDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("when due: %d attempts, %v", n, err)
	}
	if d := e.deliveries(key)["webhook:ops"]; d.Status != storyline.DeliverySent || d.LastError != "" {
		t.Errorf("final: %+v", d)
	}
}

func TestPolicyBackoff(t *testing.T) {
	p := notify.Policy{Base: time.Second, Max: 10 * time.Second}
	var got []time.Duration
	for n := 1; n <= 6; n++ {
		got = append(got, p.Backoff(n))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("backoff = %v, want %v", got, want)
	}
}

func TestDeadAndRequeue(t *testing.T) {
	e := newEnv(t)
	e.addStory("wire", "a", false)
	e.hook.FailNext(1, 404, "")
	e.smtp.FailNext(10, 451)
	key := e.run().Record.Key
	dl := e.deliverer(time.Now)
	dl.Policy.MaxAttempts = 3
	e.drain(dl)

	ds := e.deliveries(key)
	if d := ds["webhook:ops"]; d.Status != storyline.DeliveryDead || d.Attempts != 1 || !strings.Contains(d.LastError, "404") {
		t.Errorf("a 404 is final: %+v", d)
	}
	if d := ds["email:me@example.org"]; d.Status != storyline.DeliveryDead || d.Attempts != 3 || !strings.Contains(d.LastError, "gave up after 3 attempts") {
		t.Errorf("email past its budget: %+v", d)
	}
	if len(e.hook.Requests()) != 1 {
		t.Errorf("a 404 was retried: %d requests", len(e.hook.Requests()))
	}

	// The operator fixes things and retries the dead ones.
	e.smtp.FailNext(0, 0)
	e.smtp = notifytest.NewSMTPServer(t, notifytest.SMTPOptions{Username: "bot", Password: "pw"})
	if n, err := e.db.RequeueDead(context.Background(), nil, time.Now()); err != nil || n != 2 {
		t.Fatalf("requeue: %d, %v", n, err)
	}
	e.drain(e.deliverer(time.Now))
	for r, d := range e.deliveries(key) {
		if d.Status != storyline.DeliverySent {
			t.Errorf("%s after requeue: %+v", r, d)
		}
	}
	if len(e.hook.Accepted()) != 1 || len(e.smtp.Messages()) != 1 {
		t.Errorf("after requeue: %d webhooks, %d emails", len(e.hook.Accepted()), len(e.smtp.Messages()))
	}
}

func TestMaxAgeBudget(t *testing.T) {
	e := newEnv(t)
	e.spec.To = []string{"webhook:ops"}
	e.addStory("wire", "a", false)
	key := e.run().Record.Key
	dl := e.deliverer(e.clock.Now)
	e.hook.FailNext(1, 503, "7200") // come back in two hours: past the one-hour budget
	if _, err := dl.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := e.deliveries(key)["webhook:ops"]; d.Status != storyline.DeliveryDead || !strings.Contains(d.LastError, "retry budget") {
		t.Errorf("retry past max_age: %+v", d)
	}
}

// TestRestartResumes closes the store between a failed attempt and the
// retry: the reopened outbox still has the delivery, and exactly one
// arrives.
func TestRestartResumes(t *testing.T) {
	e := newEnv(t)
	e.addStory("wire", "a", false)
	e.hook.FailNext(1, 503, "")
	e.smtp.FailNext(1, 421)
	key := e.run().Record.Key
	// On the stopped clock the retries are not due again in this pass.
	if _, err := e.deliverer(e.clock.Now).DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(e.hook.Accepted())+len(e.smtp.Messages()) != 0 {
		t.Fatal("the first attempts should have failed")
	}

	e.restart()
	e.drain(e.deliverer(time.Now))
	if len(e.hook.Accepted()) != 1 || len(e.smtp.Messages()) != 1 {
		t.Errorf("after a restart: %d webhooks, %d emails; want exactly one each", len(e.hook.Accepted()), len(e.smtp.Messages()))
	}
	for r, d := range e.deliveries(key) {
		if d.Status != storyline.DeliverySent || d.Attempts != 2 {
			t.Errorf("%s: %+v", r, d)
		}
	}
}

// TestCrashMidAttempt: a worker claims the deliveries and dies before
// recording anything; after a restart they are sent once their lease ends.
func TestCrashMidAttempt(t *testing.T) {
	e := newEnv(t)
	e.addStory("wire", "a", false)
	key := e.run().Record.Key
	claimed, err := e.db.ClaimDeliveries(context.Background(), e.clock.Now(), 10*time.Second, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %d, %v", len(claimed), err)
	}
	e.restart()

	dl := e.deliverer(e.clock.Now)
	if n, err := dl.DeliverDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("during the dead worker's lease: %d attempts, %v", n, err)
	}
	e.clock.Add(10 * time.Second)
	if n, err := dl.DeliverDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("after the lease: %d attempts, %v", n, err)
	}
	if len(e.hook.Accepted()) != 1 || len(e.smtp.Messages()) != 1 {
		t.Errorf("%d webhooks, %d emails; want one each", len(e.hook.Accepted()), len(e.smtp.Messages()))
	}
	for r, d := range e.deliveries(key) {
		if d.Status != storyline.DeliverySent {
			t.Errorf("%s: %+v", r, d)
		}
	}
}

// TestThreading: the digest reporting an event's outcome (from the real
// follow-up store) replies to the digest that announced the event.
func TestThreading(t *testing.T) {
	e := newEnv(t)
	e.spec.To = []string{"email:me@example.org"}
	ctx := context.Background()
	now := e.clock.Now()
	expected := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	antStory := e.addStory("wire", "leaders-to-speak-tomorrow", false)
	ant := storyline.Anticipation{StoryID: antStory, Published: now, Summary: "Leaders speak by phone",
		Actors: []storyline.Actor{{Name: "Ann Leader", Key: "leader"}}, Action: "speak", Class: "speak", From: expected, To: expected}
	err := e.db.Update(ctx, func(tx *storage.Tx) error { return tx.SaveAnticipation(ctx, &ant, expected.Add(72*time.Hour)) })
	if err != nil {
		t.Fatal(err)
	}
	res := e.run()
	first := res.Record
	if first.InReplyTo != "" || len(first.Announced) != 1 || first.Announced[0] != ant.ID || len(res.Digest.Upcoming) != 1 {
		t.Fatalf("first digest: in-reply-to %q, announced %v (event %d), upcoming %+v", first.InReplyTo, first.Announced, ant.ID, res.Digest.Upcoming)
	}
	e.drain(e.deliverer(e.clock.Now))

	e.clock.Add(24 * time.Hour)
	out := e.addStory("wire", "leaders-spoke", false)
	err = e.db.Update(ctx, func(tx *storage.Tx) error {
		return tx.SaveFollowupLink(ctx, storyline.FollowupLink{AnticipationID: ant.ID, StoryID: out, Relation: storyline.Happened, Score: 0.9})
	})
	if err != nil {
		t.Fatal(err)
	}
	res = e.run()
	second := res.Record
	if second.InReplyTo != first.MessageID || len(second.References) != 1 || second.References[0] != first.MessageID {
		t.Fatalf("second digest: in-reply-to %q refs %v, want %q", second.InReplyTo, second.References, first.MessageID)
	}
	if f := res.Digest.FollowUps; len(f) != 1 || f[0].Relation != "happened" ||
		f[0].Anticipation.URL != "https://wire.example/leaders-to-speak-tomorrow" || f[0].Outcome.URL != "https://wire.example/leaders-spoke" {
		t.Errorf("follow-ups: %+v", f)
	}
	if !strings.Contains(second.Text, "Follow-ups") || !strings.Contains(second.Text, "https://wire.example/leaders-to-speak-tomorrow") {
		t.Errorf("text lacks the follow-up with both links:\n%s", second.Text)
	}
	e.drain(e.deliverer(e.clock.Now))
	mails := e.smtp.Messages()
	if len(mails) != 2 {
		t.Fatalf("%d emails", len(mails))
	}
	m, err := mail.ReadMessage(bytes.NewReader(mails[1].Data))
	if err != nil || m.Header.Get("In-Reply-To") != "<"+first.MessageID+">" || m.Header.Get("References") != "<"+first.MessageID+">" {
		t.Errorf("the follow-up email does not thread under the first (%v):\n%s", err, mails[1].Data)
	}

	// A third digest with nothing new reports nothing again.
	e.clock.Add(time.Hour)
	if res := e.run(); res.Record != nil {
		t.Errorf("third digest: %+v", res.Record)
	}
}

// TestLoop runs the daemon's worker: it delivers what a run queues and keeps
// going while a receiver is down, and returns once cancelled.
func TestLoop(t *testing.T) {
	e := newEnv(t)
	e.spec.To = []string{"webhook:ops"}
	dl := e.deliverer(time.Now)
	dl.Idle = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- dl.Loop(ctx) }()

	// A poll stores a story and the digest's tick queues it while the
	// worker runs, as in the daemon.
	e.hook.FailNext(3, 503, "")
	queued := make(chan string, 1)
	go func() {
		defer close(queued)
		if _, err := e.store("wire", "a", false); err != nil {
			t.Error(err)
			return
		}
		res, err := e.digester().Run(context.Background(), e.spec.Name)
		if err != nil || res.Record == nil {
			t.Errorf("run: %+v, %v", res, err)
			return
		}
		queued <- res.Record.Key
		dl.Kick()
	}()
	var key string
	select {
	case key = <-queued:
	case <-time.After(10 * time.Second):
		t.Fatal("storing a story and queueing a digest while the worker runs did not finish in 10s: deadlock in storage")
	}
	// Wait for the worker to record the delivery, not just for the
	// receiver to accept it: cancelling in between interrupts the send.
	deadline := time.Now().Add(10 * time.Second)
	for e.deliveries(key)["webhook:ops"].Status != storyline.DeliverySent && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Loop = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Loop did not return within 10s of its context's end")
	}
	if len(e.hook.Accepted()) != 1 || len(e.hook.Requests()) != 4 {
		t.Errorf("%d accepted of %d requests; want 1 of 4", len(e.hook.Accepted()), len(e.hook.Requests()))
	}
	if d := e.deliveries(key)["webhook:ops"]; d.Status != storyline.DeliverySent {
		t.Errorf("delivery %+v", d)
	}
}

// BenchmarkDigestRun composes, renders and records a digest over 5,000 new
// stories in a real SQLite file (each iteration a digest that never ran).
func BenchmarkDigestRun(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC().Truncate(time.Second)
	err = db.Update(ctx, func(tx *storage.Tx) error {
		fid, err := tx.FeedID(ctx, "wire", "https://wire.example/feed")
		if err != nil {
			return err
		}
		for i := range 5000 {
			s := storyline.Story{URL: fmt.Sprintf("https://wire.example/%d", i), Canonical: fmt.Sprintf("https://wire.example/%d", i),
				Title: fmt.Sprintf("Story %d", i), Summary: "A summary of a few sentences.", Published: now, FirstSeen: now}
			if err := tx.InsertStory(ctx, &s, fid, s.Canonical); err != nil {
				return err
			}
			if err := tx.AddSighting(ctx, fid, "u:"+s.Canonical, s.ID, s.URL, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	dg := &notify.Digester{
		Update: func(ctx context.Context, fn func(notify.Tx) error) error {
			return db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
		},
		Now: func() time.Time { return now },
	}
	for i := range b.N {
		dg.Specs = append(dg.Specs, notify.Spec{Name: fmt.Sprintf("d%d", i), Subject: "s", To: []string{"webhook:ops"}, MaxStories: 50})
	}
	b.ResetTimer()
	for i := range b.N {
		res, err := dg.Run(ctx, fmt.Sprintf("d%d", i))
		if err != nil || res.Record == nil || res.Record.Stories != 50 {
			b.Fatalf("run: %+v, %v", res.Record, err)
		}
	}
}

// BenchmarkDeliverWebhooks measures the outbox worker: claim, send to a
// loopback receiver, record; per delivery.
func BenchmarkDeliverWebhooks(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	hook := notifytest.NewReceiver(b, "")
	now := time.Now().UTC()
	rec := &storyline.DigestRecord{Key: "k", Name: "n", Subject: "s", WindowEnd: now, Created: now, MessageID: "m@x",
		Text: "t", HTML: "h", Payload: []byte(`{"version":1}`)}
	to := make([]string, b.N)
	for i := range to {
		to[i] = fmt.Sprintf("webhook:h%d", i)
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		return tx.RecordDigest(ctx, storyline.DigestState{Name: "n", LastEnd: now}, rec, to)
	})
	if err != nil {
		b.Fatal(err)
	}
	hooks := map[string]webhook.Hook{}
	for i := range to {
		hooks[fmt.Sprintf("h%d", i)] = webhook.Hook{URL: hook.URL}
	}
	dl := &notify.Deliverer{Outbox: db, Senders: map[string]notify.Sender{"webhook": &webhook.Sender{Hooks: hooks}}, Now: time.Now}
	b.ResetTimer()
	n, err := dl.DeliverDue(ctx)
	if err != nil || n != b.N || len(hook.Accepted()) != b.N {
		b.Fatalf("delivered %d of %d (%d accepted), %v", n, b.N, len(hook.Accepted()), err)
	}
}

// TestShutdownFinishesDeliveries: a shutdown while a slow receiver holds a
// whole POST waits for its answer (within the grace) and records the
// delivery sent, so that a restart does not send it again.
func TestShutdownFinishesDeliveries(t *testing.T) {
	e := newEnv(t)
	e.spec.To = []string{"webhook:ops"}
	dl := e.deliverer(time.Now)
	dl.Grace = 10 * time.Second
	if _, err := e.store("wire", "a", false); err != nil {
		t.Fatal(err)
	}
	res, err := e.digester().Run(context.Background(), e.spec.Name)
	if err != nil || res.Record == nil {
		t.Fatalf("run: %+v, %v", res, err)
	}
	held, release := e.hook.Hold()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- dl.Loop(ctx) }()
	select {
	case <-held:
	case <-time.After(10 * time.Second):
		t.Fatal("the delivery never reached the receiver")
	}
	cancel() // SIGTERM while the receiver holds the request
	time.Sleep(50 * time.Millisecond)
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Loop = %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Loop did not return after its grace")
	}
	if d := e.deliveries(res.Record.Key)["webhook:ops"]; d.Status != storyline.DeliverySent {
		t.Errorf("delivery answered 2xx during shutdown left %+v", d)
	}
	if n := len(e.hook.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
