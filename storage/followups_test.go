package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
)

func followupDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func addFollowupStory(t *testing.T, db *DB, title string, pub time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	s := storyline.Story{URL: "https://example.org/" + fmt.Sprint(pub.Unix()) + "/" + title, Title: title, Published: pub, FirstSeen: pub}
	err := db.Update(ctx, func(tx *Tx) error {
		feed, err := tx.FeedID(ctx, "f", "https://example.org/feed")
		if err != nil {
			return err
		}
		return tx.InsertStory(ctx, &s, feed, title)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func fuDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAnticipationCandidates(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	pub := time.Date(2017, 1, 27, 12, 0, 0, 0, time.UTC)
	sid := addFollowupStory(t, db, "Trump, Putin expected to speak", pub)
	a := storyline.Anticipation{
		StoryID: sid, Published: pub, Summary: "Donald Trump and Vladimir Putin speak", Action: "speak", Class: "speak",
		Actors: []storyline.Actor{{Name: "Donald Trump", Key: "trump"}, {Name: "Vladimir Putin", Key: "putin"},
			{Name: "Washington", Key: "washington", Secondary: true}},
		From: fuDay(2017, 1, 28), To: fuDay(2017, 1, 28), Evidence: "Trump and Putin are expected to speak on Saturday.",
		Terms: []string{"trump", "putin", "speak", "phone"},
	}
	// An event stored before terms is found under its core actors.
	old := storyline.Anticipation{StoryID: sid, Published: fuDay(2017, 1, 10), Summary: "Trump and Abe speak", Action: "speak", Class: "speak",
		Actors: []storyline.Actor{{Name: "Donald Trump", Key: "trump"}, {Name: "Shinzo Abe", Key: "abe"}}}
	open := fuDay(2017, 2, 2)
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.SaveAnticipation(ctx, &a, open); err != nil {
			return err
		}
		return tx.SaveAnticipation(ctx, &old, fuDay(2017, 1, 20))
	})
	if err != nil || a.ID == 0 {
		t.Fatalf("save: id %d, %v", a.ID, err)
	}
	tests := []struct {
		name string
		keys []string
		at   time.Time
		want int
	}{
		{"a term", []string{"phone"}, fuDay(2017, 1, 29), 1},
		{"several keys", []string{"merkel", "trump"}, fuDay(2017, 1, 29), 1},
		{"not a term", []string{"washington"}, fuDay(2017, 1, 29), 0},
		{"published before the anticipation", []string{"putin"}, fuDay(2017, 1, 26), 0},
		{"closed", []string{"putin"}, fuDay(2017, 2, 3), 0},
		{"last open moment", []string{"putin"}, open, 1},
		{"no keys", nil, fuDay(2017, 1, 29), 0},
		{"an event stored before terms, by its actors", []string{"abe"}, fuDay(2017, 1, 19), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []storyline.Anticipation
			err := db.Update(ctx, func(tx *Tx) error {
				var err error
				got, err = tx.AnticipationCandidates(ctx, tc.keys, tc.at, 10)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Fatalf("got %d candidates, want %d", len(got), tc.want)
			}
			if tc.want == 1 && got[0].ID == old.ID {
				if diff := cmp.Diff(old, got[0], cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("round trip (-saved +read):\n%s", diff)
				}
			} else if tc.want == 1 {
				if diff := cmp.Diff(a, got[0]); diff != "" {
					t.Errorf("round trip (-saved +read):\n%s", diff)
				}
			}
		})
	}
}

func TestOutcomeCandidatesAndStories(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	early := addFollowupStory(t, db, "early", time.Date(2017, 1, 20, 9, 0, 0, 0, time.UTC))
	inside := addFollowupStory(t, db, "Trump and Putin spoke", time.Date(2017, 1, 28, 20, 0, 0, 0, time.UTC))
	other := addFollowupStory(t, db, "Merkel spoke", time.Date(2017, 1, 28, 21, 0, 0, 0, time.UTC))
	err := db.Update(ctx, func(tx *Tx) error {
		for _, s := range []struct {
			id   int64
			pub  time.Time
			keys []string
		}{
			{early, time.Date(2017, 1, 20, 9, 0, 0, 0, time.UTC), []string{"putin"}},
			{inside, time.Date(2017, 1, 28, 20, 0, 0, 0, time.UTC), []string{"putin", "trump", "phone"}},
			{other, time.Date(2017, 1, 28, 21, 0, 0, 0, time.UTC), []string{"merkel"}},
		} {
			if err := tx.SaveOutcomeKeys(ctx, s.id, s.pub, s.keys); err != nil {
				return err
			}
		}
		got, err := tx.OutcomeCandidates(ctx, []string{"trump", "putin"}, fuDay(2017, 1, 27), fuDay(2017, 2, 1), 10)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]int64{inside}, got); diff != "" {
			t.Errorf("candidates (-want +got):\n%s", diff)
		}
		stories, err := tx.FollowupStories(ctx, got)
		if err != nil {
			return err
		}
		if len(stories) != 1 || stories[0].Title != "Trump and Putin spoke" || !stories[0].Published.Equal(time.Date(2017, 1, 28, 20, 0, 0, 0, time.UTC)) {
			t.Errorf("stories = %+v", stories)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestThreadsAndLinks(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	p1 := time.Date(2017, 1, 27, 12, 0, 0, 0, time.UTC)
	ant := addFollowupStory(t, db, "expected to speak", p1)
	later := addFollowupStory(t, db, "meeting set", p1.Add(time.Hour))
	out1 := addFollowupStory(t, db, "spoke", p1.Add(30*time.Hour))
	out2 := addFollowupStory(t, db, "call lasted an hour", p1.Add(26*time.Hour))
	a := storyline.Anticipation{StoryID: ant, Published: p1, Summary: "A and B speak", Action: "speak", Class: "speak",
		Actors: []storyline.Actor{{Name: "A", Key: "a"}, {Name: "B", Key: "b"}}}
	b := storyline.Anticipation{StoryID: later, Published: p1.Add(time.Hour), Summary: "A and B meet", Action: "meet", Class: "meet",
		Actors: []storyline.Actor{{Name: "A", Key: "a"}, {Name: "B", Key: "b"}}, From: fuDay(2017, 12, 1), To: fuDay(2017, 12, 31)}
	err := db.Update(ctx, func(tx *Tx) error {
		for _, x := range []*storyline.Anticipation{&a, &b} {
			if err := tx.SaveAnticipation(ctx, x, p1.AddDate(0, 0, 14)); err != nil {
				return err
			}
		}
		for _, l := range []storyline.FollowupLink{
			{AnticipationID: a.ID, StoryID: out1, Relation: storyline.Happened, Score: 0.7, Explanation: "first"},
			{AnticipationID: a.ID, StoryID: out2, Relation: storyline.Happened, Score: 0.9, Explanation: "second"},
			{AnticipationID: a.ID, StoryID: out1, Relation: storyline.Happened, Score: 0.8, Explanation: "better"},
			{AnticipationID: a.ID, StoryID: out1, Relation: storyline.Cancelled, Score: 0.75, Explanation: "worse"},
			{AnticipationID: b.ID + 100, StoryID: out1, Relation: storyline.Happened, Score: 0.9, Explanation: "pruned event: dropped"},
		} {
			if err := tx.SaveFollowupLink(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	threads, err := db.Threads(ctx, ThreadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) != 2 || threads[0].Anticipation.ID != a.ID || threads[1].Anticipation.ID != b.ID {
		t.Fatalf("threads = %+v", threads)
	}
	got := threads[0]
	if got.Story.ID != ant || got.Story.Title != "expected to speak" || got.Story.URL == "" {
		t.Errorf("story ref = %+v", got.Story)
	}
	// Outcomes in publication order; the re-link kept the better score.
	want := []struct {
		id    int64
		score float64
		why   string
	}{{out2, 0.9, "second"}, {out1, 0.8, "better"}}
	if len(got.Outcomes) != len(want) {
		t.Fatalf("outcomes = %+v", got.Outcomes)
	}
	for i, w := range want {
		o := got.Outcomes[i]
		if o.Story.ID != w.id || o.Score != w.score || o.Explanation != w.why || o.Relation != storyline.Happened {
			t.Errorf("outcome %d = %+v, want %+v", i, o, w)
		}
	}
	if !threads[1].Anticipation.From.Equal(fuDay(2017, 12, 1)) || len(threads[1].Outcomes) != 0 {
		t.Errorf("second thread = %+v", threads[1])
	}
	newest, err := db.Threads(ctx, ThreadFilter{Limit: 1})
	if err != nil || len(newest) != 1 || newest[0].Anticipation.ID != b.ID {
		t.Errorf("Limit 1: %+v, %v", newest, err)
	}
	since, err := db.Threads(ctx, ThreadFilter{Since: p1.Add(time.Minute)})
	if err != nil || len(since) != 1 || since[0].Anticipation.ID != b.ID {
		t.Errorf("Since: %+v, %v", since, err)
	}

	// Deleting the anticipating story takes its events and links with it.
	err = db.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM stories WHERE id = ?`, ant)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var events, keys, links int
	db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM followup_events), (SELECT count(*) FROM followup_event_keys),
		(SELECT count(*) FROM followup_links)`).Scan(&events, &keys, &links)
	if events != 1 || keys != 2 || links != 0 {
		t.Errorf("after delete: %d events, %d keys, %d links; want 1, 2, 0", events, keys, links)
	}
}

func TestDigestEvents(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	p := time.Date(2023, 3, 1, 12, 0, 0, 0, time.UTC)
	oldAnt := addFollowupStory(t, db, "old anticipation", p)
	pendingAnt := addFollowupStory(t, db, "pending anticipation", p.Add(time.Hour))
	farAnt := addFollowupStory(t, db, "far anticipation", p.Add(2*time.Hour))
	afterID := farAnt
	newAnt := addFollowupStory(t, db, "new anticipation", p.Add(3*time.Hour))
	postponed := addFollowupStory(t, db, "postponed", p.Add(20*time.Hour))
	happened := addFollowupStory(t, db, "happened", p.Add(50*time.Hour))
	ev := func(story int64, expected time.Time) storyline.Anticipation {
		return storyline.Anticipation{StoryID: story, Published: p, Summary: fmt.Sprint("event of ", story), Action: "meet", Class: "meet",
			Actors: []storyline.Actor{{Name: "A", Key: "a"}}, From: expected, To: expected}
	}
	events := []storyline.Anticipation{
		ev(oldAnt, fuDay(2023, 3, 3)),     // old, gets a postponement then an outcome after afterID
		ev(pendingAnt, fuDay(2023, 3, 5)), // old, pending, expected inside [from, to]
		ev(farAnt, fuDay(2023, 6, 1)),     // old, pending, expected outside
		ev(newAnt, time.Time{}),           // anticipated after afterID, no time
	}
	err := db.Update(ctx, func(tx *Tx) error {
		for i := range events {
			if err := tx.SaveAnticipation(ctx, &events[i], p.AddDate(0, 1, 0)); err != nil {
				return err
			}
		}
		for _, l := range []storyline.FollowupLink{
			{AnticipationID: events[0].ID, StoryID: postponed, Relation: storyline.Postponed, Score: 0.8},
			{AnticipationID: events[0].ID, StoryID: happened, Relation: storyline.Happened, Score: 0.9},
		} {
			if err := tx.SaveFollowupLink(ctx, l); err != nil {
				return err
			}
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO story_topics(story_id, topic) VALUES (?, 'b'), (?, 'a')`, happened, happened)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []storyline.DigestEvent
	err = db.Update(ctx, func(tx *Tx) error {
		var err error
		got, err = tx.DigestEvents(ctx, afterID, fuDay(2023, 3, 4), fuDay(2023, 3, 10))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]storyline.DigestEvent{}
	for _, e := range got {
		byID[e.ID] = e
	}
	if len(got) != 3 {
		t.Fatalf("got %d events, want 3 (outcome after afterID, pending in range, new): %+v", len(got), got)
	}
	if _, ok := byID[events[2].ID]; ok {
		t.Errorf("pending event expected outside [from, to] returned")
	}
	e := byID[events[0].ID]
	if e.Status != "happened" || e.Relation != "postponed" || e.Outcome.ID != postponed || e.Anticipation.ID != oldAnt ||
		e.Anticipation.Feed != "f" || !e.Expected.Equal(fuDay(2023, 3, 3)) {
		t.Errorf("event with outcomes = %+v", e)
	}
	if e := byID[events[1].ID]; e.Status != "pending" || e.Outcome.ID != 0 || e.Anticipation.Title != "pending anticipation" {
		t.Errorf("pending event = %+v", e)
	}
	if e := byID[events[3].ID]; !e.Expected.IsZero() || e.Anticipation.ID != newAnt {
		t.Errorf("new event = %+v", e)
	}
	// The outcome above afterID is preferred over an older one.
	err = db.Update(ctx, func(tx *Tx) error {
		var err error
		got, err = tx.DigestEvents(ctx, postponed, fuDay(2023, 3, 4), fuDay(2023, 3, 4))
		return err
	})
	if err != nil || len(got) != 1 || got[0].Outcome.ID != happened || got[0].Relation != "happened" ||
		strings.Join(got[0].Outcome.Topics, ",") != "a,b" {
		t.Errorf("after the postponement: %+v, %v", got, err)
	}
}

// Outcome keys are written in one statement at the end of the transaction
// when nothing asked for candidates before: they commit with it.
func TestOutcomeKeysWrittenAtCommit(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	at := time.Date(2017, 1, 28, 20, 0, 0, 0, time.UTC)
	id := addFollowupStory(t, db, "Trump and Putin spoke", at)
	save := func(tx *Tx) error {
		return tx.SaveOutcomeKeys(ctx, id, at, []string{"putin", "o'brien \"x\"", "at&t <x>"}) // JSON escapes differ between Go and SQLite
	}
	if err := db.Update(ctx, func(tx *Tx) error {
		if err := save(tx); err != nil {
			return err
		}
		return errors.New("rolled back")
	}); err == nil {
		t.Fatal("want the failed transaction's error")
	}
	if err := db.Update(ctx, save); err != nil {
		t.Fatal(err)
	}
	err := db.Update(ctx, func(tx *Tx) error {
		for _, key := range []string{"putin", "o'brien \"x\"", "at&t <x>"} {
			got, err := tx.OutcomeCandidates(ctx, []string{key}, at, at, 10)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]int64{id}, got); diff != "" {
				t.Errorf("%s: candidates (-want +got):\n%s", key, diff)
			}
		}
		var n int
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM followup_outcomes`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d rows (%v), want 1: the rolled-back one is gone", n, err)
		}
		snap, err := tx.LoadFollowup(ctx, at)
		if err != nil {
			return err
		}
		want := []followup.StoryOutcomes{{StoryID: id, Published: at, Keys: []string{"putin", "o'brien \"x\"", "at&t <x>"}}}
		if diff := cmp.Diff(want, snap.Outcomes); diff != "" {
			t.Errorf("loaded outcomes (-want +got):\n%s", diff)
		}
		if snap, err = tx.LoadFollowup(ctx, at.Add(time.Second)); err != nil || len(snap.Outcomes) != 0 {
			t.Errorf("loaded after the story: %+v, %v", snap.Outcomes, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Rows the migration wrote were encoded by SQLite, which escapes keys
// differently from Go: the look-up must find them still.
func TestOutcomeCandidatesSQLiteEncodedRows(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	at := time.Date(2017, 1, 28, 20, 0, 0, 0, time.UTC)
	id := addFollowupStory(t, db, "AT&T and Verizon met", at)
	err := db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO followup_outcomes(story_id, published, keys)
			VALUES (?, ?, json_array('at&t <x>', 'verizon'))`, id, at.Unix()); err != nil {
			return err
		}
		for _, key := range []string{"at&t <x>", "verizon"} {
			got, err := tx.OutcomeCandidates(ctx, []string{key}, at, at, 10)
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]int64{id}, got); diff != "" {
				t.Errorf("%s: candidates (-want +got):\n%s", key, diff)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Stories announcing one event read back as one thread: the first
// announcement, the others in publication order, the outcomes of all;
// MergeEvents folds an event (with its own announcements and links) into
// another; digests see the merged event once.
func TestThreadAnnouncementsAndMerge(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2023, 3, d, 12, 0, 0, 0, time.UTC) }
	s1 := addFollowupStory(t, db, "Rover to touch down on Mars on Monday", day(1))
	s2 := addFollowupStory(t, db, "Rover set for Monday landing", day(2))
	s3 := addFollowupStory(t, db, "What to expect from the Mars landing", day(3))
	s4 := addFollowupStory(t, db, "Mars landing: rover countdown", day(4))
	o1 := addFollowupStory(t, db, "Rover touches down on Mars", day(6))
	o2 := addFollowupStory(t, db, "Rover lands safely", day(6))
	ev := func(story int64, pub time.Time, root int64) storyline.Anticipation {
		return storyline.Anticipation{StoryID: story, Published: pub, Summary: "rover landing", Class: "land",
			Terms: []string{"rover", "mar", "land"}, Root: root, From: day(6), To: day(6)}
	}
	var a1, a2, a3, a4 storyline.Anticipation
	err := db.Update(ctx, func(tx *Tx) error {
		a1 = ev(s1, day(1), 0)
		if err := tx.SaveAnticipation(ctx, &a1, day(10)); err != nil {
			return err
		}
		a2 = ev(s2, day(2), a1.ID)
		a3 = ev(s3, day(3), 0)
		for _, a := range []*storyline.Anticipation{&a2, &a3} {
			if err := tx.SaveAnticipation(ctx, a, day(10)); err != nil {
				return err
			}
		}
		a4 = ev(s4, day(4), a3.ID)
		if err := tx.SaveAnticipation(ctx, &a4, day(10)); err != nil {
			return err
		}
		for _, l := range []storyline.FollowupLink{
			{AnticipationID: a1.ID, StoryID: o1, Relation: storyline.Happened, Score: 0.5},
			{AnticipationID: a3.ID, StoryID: o1, Relation: storyline.Happened, Score: 0.7},
			{AnticipationID: a3.ID, StoryID: o2, Relation: storyline.Happened, Score: 0.4},
		} {
			if err := tx.SaveFollowupLink(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	threads := func() []storyline.Thread {
		t.Helper()
		ts, err := db.Threads(ctx, ThreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	ids := func(rs []storyline.StoryRef) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	if ts := threads(); len(ts) != 2 || ts[0].Story.ID != s1 || !slices.Equal(ids(ts[0].Announcements), []int64{s2}) ||
		ts[1].Story.ID != s3 || !slices.Equal(ids(ts[1].Announcements), []int64{s4}) {
		t.Fatalf("before the merge: %+v", ts)
	}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.MergeEvents(ctx, a1.ID, a3.ID) }); err != nil {
		t.Fatal(err)
	}
	ts := threads()
	if len(ts) != 1 || ts[0].Anticipation.ID != a1.ID || !slices.Equal(ids(ts[0].Announcements), []int64{s2, s3, s4}) {
		t.Fatalf("after the merge: %+v", ts)
	}
	var outs []int64
	for _, o := range ts[0].Outcomes {
		outs = append(outs, o.Story.ID)
		if o.Story.ID == o1 && o.Score != 0.7 {
			t.Errorf("outcome %d keeps score %v, want the better 0.7", o1, o.Score)
		}
	}
	if !slices.Equal(outs, []int64{o1, o2}) {
		t.Errorf("outcomes %v, want %v", outs, []int64{o1, o2})
	}
	err = db.Update(ctx, func(tx *Tx) error {
		evs, err := tx.DigestEvents(ctx, 0, day(1), day(20))
		if err != nil {
			return err
		}
		if len(evs) != 1 || evs[0].ID != a1.ID || evs[0].Status != string(storyline.StatusHappened) {
			t.Errorf("digest events %+v, want the merged event once, happened", evs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A later announcement keeps its event open as long as itself (retention
// keeps the event's story and links while any announcement is open) and
// dates an event that had no date; the announcement's own index rows find
// the event then.
func TestAnnouncementExtendsEvent(t *testing.T) {
	db := followupDB(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2023, 3, d, 0, 0, 0, 0, time.UTC) }
	s1 := addFollowupStory(t, db, "Summit planned", day(1))
	s2 := addFollowupStory(t, db, "Summit set for March 12", day(2))
	root := storyline.Anticipation{StoryID: s1, Published: day(1), Summary: "summit", Terms: []string{"summit"}}
	var again storyline.Anticipation
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.SaveAnticipation(ctx, &root, day(10)); err != nil {
			return err
		}
		again = storyline.Anticipation{StoryID: s2, Published: day(2), Summary: "summit", Terms: []string{"summit"},
			Root: root.ID, From: day(12), To: day(12)}
		return tx.SaveAnticipation(ctx, &again, day(16))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx *Tx) error {
		got, err := tx.AnticipationCandidates(ctx, []string{"summit"}, day(14), 10)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != again.ID || got[0].RootID() != root.ID {
			t.Errorf("candidates on day 14: %+v, want the announcement, of the event", got)
		}
		var open int64
		if err := tx.queryRow(ctx, `SELECT open_until FROM followup_events WHERE id = ?`, root.ID).Scan(&open); err != nil {
			return err
		}
		if !fromUnix(open).Equal(day(16)) {
			t.Errorf("the event is open until %v, want %v", fromUnix(open), day(16))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := db.Threads(ctx, ThreadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || !ts[0].Anticipation.From.Equal(day(12)) {
		t.Errorf("threads %+v, want the event dated March 12", ts)
	}
}
