package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
)

func openDigestDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "digests.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// addDigestStory stores a story seen in feed at first (backlog when it came
// from the feed's first poll).
func addDigestStory(t *testing.T, db *DB, feed, title string, first time.Time, backlog bool) int64 {
	t.Helper()
	ctx := context.Background()
	s := storyline.Story{URL: "https://example.org/" + title, Canonical: "https://example.org/" + title,
		Title: title, Summary: "about " + title, Content: "long text of " + title,
		Published: first, FirstSeen: first, Backlog: backlog}
	err := db.Update(ctx, func(tx *Tx) error {
		fid, err := tx.FeedID(ctx, feed, "https://example.org/"+feed)
		if err != nil {
			return err
		}
		if err := tx.InsertStory(ctx, &s, fid, title); err != nil {
			return err
		}
		return tx.AddSighting(ctx, fid, "u:"+s.Canonical, s.ID, s.URL, first)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func TestDigestStoriesWindowAndBacklog(t *testing.T) {
	ctx := context.Background()
	db, _ := openDigestDB(t)
	t0 := time.Date(2017, 1, 27, 9, 0, 0, 0, time.UTC)
	a := addDigestStory(t, db, "wire", "a", t0, false)
	addDigestStory(t, db, "fresh", "backlog", t0, true)
	c := addDigestStory(t, db, "wire", "c", t0.Add(time.Hour), false)
	err := db.Update(ctx, func(tx *Tx) error {
		return tx.SetStoryTopics(ctx, c, []storyline.TopicHit{{Topic: "low", Priority: 1}, {Topic: "high", Priority: 5}})
	})
	if err != nil {
		t.Fatal(err)
	}

	var got []storyline.Story
	var last int64
	err = db.Update(ctx, func(tx *Tx) (err error) {
		got, last, err = tx.DigestStories(ctx, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range got {
		ids = append(ids, s.ID)
		if s.Content != "" {
			t.Errorf("story %d: content loaded for a digest: %q", s.ID, s.Content)
		}
		if s.Summary == "" || s.Feed != "wire" || len(s.Feeds) != 1 {
			t.Errorf("story %d: summary %q feed %q feeds %v", s.ID, s.Summary, s.Feed, s.Feeds)
		}
	}
	if diff := cmp.Diff([]int64{a, c}, ids); diff != "" {
		t.Errorf("stories (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"high", "low"}, got[len(got)-1].Topics); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	if last != c {
		t.Errorf("watermark = %d, want %d (the highest id, backlog included)", last, c)
	}

	err = db.Update(ctx, func(tx *Tx) (err error) {
		got, last, err = tx.DigestStories(ctx, c)
		return err
	})
	if err != nil || len(got) != 0 || last != c {
		t.Errorf("after the watermark: %d stories, watermark %d, err %v; want none, %d", len(got), last, err, c)
	}
}

func TestRecordDigestAndOutbox(t *testing.T) {
	ctx := context.Background()
	db, path := openDigestDB(t)
	end := time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)
	rec := &storyline.DigestRecord{
		Key: "morning@2017-01-28T07:00:00Z", Name: "morning", Subject: "storyline: morning",
		WindowStart: end.Add(-24 * time.Hour), WindowEnd: end, Created: end,
		MessageID: "m1@example.org", InReplyTo: "m0@example.org", References: []string{"m0@example.org"},
		Text: "text", HTML: "<p>html</p>", Payload: []byte(`{"version":1}`), Stories: 2,
		Announced: []int64{7, 9}, Reported: []int64{3},
	}
	st := storyline.DigestState{Name: "morning", LastEnd: end, LastStory: 12}
	err := db.Update(ctx, func(tx *Tx) error {
		return tx.RecordDigest(ctx, st, rec, []string{"email:me@example.org", "webhook:ops"})
	})
	if err != nil {
		t.Fatal(err)
	}

	// A restart keeps everything.
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var gotState storyline.DigestState
	var thread, none []string
	err = db.Update(ctx, func(tx *Tx) (err error) {
		if gotState, err = tx.DigestState(ctx, "morning"); err != nil {
			return err
		}
		if thread, err = tx.DigestThread(ctx, "morning", []int64{9, 100}); err != nil {
			return err
		}
		// Reported events and other digests' events do not thread.
		if none, err = tx.DigestThread(ctx, "morning", []int64{3}); err != nil {
			return err
		}
		other, err := tx.DigestThread(ctx, "evening", []int64{9})
		none = append(none, other...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, gotState); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"m1@example.org"}, thread); diff != "" {
		t.Errorf("thread (-want +got):\n%s", diff)
	}
	if len(none) != 0 {
		t.Errorf("thread for unannounced events = %v", none)
	}
	got, err := db.Digest(ctx, rec.Key)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*rec, got); diff != "" {
		t.Errorf("digest (-want +got):\n%s", diff)
	}

	ds, err := db.Deliveries(ctx, DeliveryFilter{DigestKeys: []string{rec.Key}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Recipient != "webhook:ops" || ds[1].Recipient != "email:me@example.org" {
		t.Fatalf("deliveries = %+v", ds)
	}
	for _, d := range ds {
		if d.Status != storyline.DeliveryPending || !d.NextAttempt.Equal(end) || !d.Queued.Equal(end) {
			t.Errorf("new delivery %+v: want pending, due and queued at %v", d, end)
		}
	}
	if next, err := db.NextDelivery(ctx); err != nil || !next.Equal(end) {
		t.Errorf("NextDelivery = %v, %v; want %v", next, err, end)
	}

	// The same key again is an error, and rolls back the state move.
	err = db.Update(ctx, func(tx *Tx) error {
		return tx.RecordDigest(ctx, storyline.DigestState{Name: "morning", LastEnd: end.Add(time.Hour), LastStory: 20}, rec, nil)
	})
	if err == nil {
		t.Error("recording the same digest key twice succeeded")
	}
	_ = db.Update(ctx, func(tx *Tx) (err error) { gotState, err = tx.DigestState(ctx, "morning"); return err })
	if gotState.LastStory != 12 {
		t.Errorf("state moved by a failed record: %+v", gotState)
	}
}

func TestClaimLeaseFinishRequeue(t *testing.T) {
	ctx := context.Background()
	db, _ := openDigestDB(t)
	t0 := time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)
	rec := &storyline.DigestRecord{Key: "k", Name: "n", Subject: "s", WindowEnd: t0, Created: t0,
		MessageID: "m@x", Text: "t", HTML: "h", Payload: []byte("{}")}
	err := db.Update(ctx, func(tx *Tx) error {
		return tx.RecordDigest(ctx, storyline.DigestState{Name: "n", LastEnd: t0}, rec, []string{"webhook:a", "webhook:b"})
	})
	if err != nil {
		t.Fatal(err)
	}
	const lease = time.Minute

	if got, err := db.ClaimDeliveries(ctx, t0.Add(-time.Millisecond), lease, 10); err != nil || len(got) != 0 {
		t.Fatalf("claim before due = %v, %v", got, err)
	}
	first, err := db.ClaimDeliveries(ctx, t0, lease, 1)
	if err != nil || len(first) != 1 || first[0].Attempts != 1 || first[0].Recipient != "webhook:a" {
		t.Fatalf("first claim = %+v, %v", first, err)
	}
	second, err := db.ClaimDeliveries(ctx, t0, lease, 10)
	if err != nil || len(second) != 1 || second[0].Recipient != "webhook:b" {
		t.Fatalf("second claim = %+v, %v (a claimed delivery must not be claimed again)", second, err)
	}

	a := first[0]
	a.Status, a.NextAttempt, a.LastError = storyline.DeliveryPending, t0.Add(1500*time.Millisecond), "HTTP 503"
	if ok, err := db.FinishDelivery(ctx, a); err != nil || !ok {
		t.Fatalf("retry finish = %v, %v", ok, err)
	}
	if next, _ := db.NextDelivery(ctx); !next.Equal(a.NextAttempt) {
		t.Errorf("NextDelivery = %v, want %v (millisecond precision)", next, a.NextAttempt)
	}
	again, err := db.ClaimDeliveries(ctx, a.NextAttempt, lease, 10)
	if err != nil || len(again) != 1 || again[0].ID != a.ID || again[0].Attempts != 2 || again[0].LastError != "HTTP 503" {
		t.Fatalf("retry claim = %+v, %v (b is still leased)", again, err)
	}
	a = again[0]
	a.Status, a.Sent, a.LastError = storyline.DeliverySent, t0.Add(2*time.Second), ""
	if ok, err := db.FinishDelivery(ctx, a); err != nil || !ok {
		t.Fatal(ok, err)
	}

	// b's worker died: once the lease ends someone else takes it, and the
	// dead worker's late result no longer counts.
	retaken, err := db.ClaimDeliveries(ctx, t0.Add(lease), lease, 10)
	if err != nil || len(retaken) != 1 || retaken[0].ID != second[0].ID || retaken[0].Attempts != 2 {
		t.Fatalf("claim after the lease = %+v, %v", retaken, err)
	}
	stale := second[0]
	stale.Status, stale.Sent = storyline.DeliverySent, t0
	if ok, err := db.FinishDelivery(ctx, stale); err != nil || ok {
		t.Errorf("stale finish = %v, %v; want false", ok, err)
	}
	fresh := retaken[0]
	fresh.Status, fresh.LastError = storyline.DeliveryDead, "HTTP 404"
	if ok, err := db.FinishDelivery(ctx, fresh); err != nil || !ok {
		t.Errorf("finish = %v, %v; want true", ok, err)
	}

	dead, err := db.Deliveries(ctx, DeliveryFilter{Status: storyline.DeliveryDead})
	if err != nil || len(dead) != 1 || dead[0].LastError != "HTTP 404" {
		t.Fatalf("dead = %+v, %v", dead, err)
	}
	if byID, err := db.Deliveries(ctx, DeliveryFilter{IDs: []int64{dead[0].ID}}); err != nil || len(byID) != 1 || byID[0].ID != dead[0].ID {
		t.Errorf("by id = %+v, %v", byID, err)
	}
	if next, _ := db.NextDelivery(ctx); !next.IsZero() {
		t.Errorf("NextDelivery with nothing pending = %v", next)
	}
	t1 := t0.Add(time.Hour)
	if n, err := db.RequeueDead(ctx, []int64{a.ID}, t1); err != nil || n != 0 {
		t.Errorf("requeue of a sent delivery = %d, %v; want 0", n, err)
	}
	if n, err := db.RequeueDead(ctx, nil, t1); err != nil || n != 1 {
		t.Fatalf("requeue = %d, %v", n, err)
	}
	back, err := db.ClaimDeliveries(ctx, t1, lease, 10)
	if err != nil || len(back) != 1 || back[0].ID != dead[0].ID || back[0].Attempts != 1 || !back[0].Queued.Equal(t1) {
		t.Fatalf("claim after requeue = %+v, %v (want a fresh budget from %v)", back, err, t1)
	}
}

// TestClaimWhilePolling claims deliveries while another goroutine stores
// stories, as the daemon's delivery worker does while feeds are polled.
func TestClaimWhilePolling(t *testing.T) {
	ctx := context.Background()
	// Not closed on failure: Close would wait for the stuck transactions.
	db, err := Open(ctx, filepath.Join(t.TempDir(), "digests.db"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			s := storyline.Story{Canonical: fmt.Sprintf("https://example.org/%d", i), Title: "t", Published: t0, FirstSeen: t0}
			err := db.Update(ctx, func(tx *Tx) error {
				fid, err := tx.FeedID(ctx, "wire", "https://example.org/wire")
				if err != nil {
					return err
				}
				return tx.InsertStory(ctx, &s, fid, s.Canonical)
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	claimed := make(chan error, 1)
	go func() {
		for i := range 50 {
			if _, err := db.ClaimDeliveries(ctx, t0.Add(time.Duration(i)*time.Second), time.Minute, 10); err != nil {
				claimed <- err
				return
			}
		}
		claimed <- nil
	}()
	select {
	case err := <-claimed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("claims alongside story inserts did not finish in 20s: the writer deadlocked")
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("story inserts alongside claims did not finish in 20s: the writer deadlocked")
	}
	db.Close()
}
