package followup_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

// ingest stores and links stories in the given order (not necessarily
// publication order, as a late feed would deliver them).
func ingest(t *testing.T, db *storage.DB, l *followup.Linker, stories ...*storyline.Story) {
	t.Helper()
	ctx := context.Background()
	for _, s := range stories {
		err := db.Update(ctx, func(tx *storage.Tx) error {
			feed, err := tx.FeedID(ctx, "wire", "https://wire.example/feed")
			if err != nil {
				return err
			}
			s.FirstSeen = s.Published
			if err := tx.InsertStory(ctx, s, feed, s.URL); err != nil {
				return err
			}
			_, err = l.Process(ctx, tx, s)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// linkerStore opens a fresh store, closed with the test, and a linker.
func linkerStore(t *testing.T) (*storage.DB, *followup.Linker) {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, followup.NewLinker(followup.DefaultOptions(), nil)
}

// threadViews reads the store's threads as the views shown at now.
func threadViews(t *testing.T, db *storage.DB, l *followup.Linker, now time.Time) []followup.ThreadView {
	t.Helper()
	threads, err := db.Threads(context.Background(), storage.ThreadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return followup.Threads(threads, l.Options(), now)
}

func TestLinkerOrderAndCausality(t *testing.T) {
	db, l := linkerStore(t)
	fri := time.Date(2023, 3, 3, 12, 0, 0, 0, time.UTC)
	ant := &storyline.Story{URL: "https://wire.example/1", Title: "Macron and Scholz to meet in Berlin on Friday",
		Summary: "French President Emmanuel Macron will meet German Chancellor Olaf Scholz in Berlin on Friday evening.", Published: fri}
	// Published with the anticipation but delivered before it.
	sameTime := &storyline.Story{URL: "https://wire.example/2", Title: "Macron and Scholz met in Berlin",
		Summary: "Macron and Scholz met in Berlin on Friday.", Published: fri}
	// Published before the anticipation: never its outcome.
	earlier := &storyline.Story{URL: "https://wire.example/3", Title: "Macron and Scholz met in Paris",
		Summary: "Macron and Scholz met in Paris.", Published: fri.Add(-time.Hour)}
	later := &storyline.Story{URL: "https://wire.example/4", Title: "Macron, Scholz hold talks in Berlin",
		Summary: "Macron and Scholz held talks in Berlin on Friday about energy prices.", Published: fri.Add(24 * time.Hour)}
	unrelated := &storyline.Story{URL: "https://wire.example/5", Title: "Scholz meets Sanchez in Madrid",
		Summary: "Scholz met Spanish Prime Minister Pedro Sanchez in Madrid on Friday.", Published: fri.Add(25 * time.Hour)}
	ingest(t, db, l, sameTime, ant, earlier, later, unrelated)

	now := time.Date(2023, 3, 10, 0, 0, 0, 0, time.UTC)
	views := threadViews(t, db, l, now)
	var meet *followup.ThreadView
	for i, v := range views {
		if v.Anticipation.URL == ant.URL && v.Event.Action == "meet" {
			meet = &views[i]
		}
	}
	if meet == nil {
		t.Fatalf("no meeting anticipated: %+v", views)
	}
	var got []string
	for _, o := range meet.Outcomes {
		got = append(got, o.URL+" "+o.Relation)
	}
	want := []string{sameTime.URL + " happened", later.URL + " happened"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	if meet.Status != "happened" || meet.Event.Expected == nil || *meet.Event.Expected != "2023-03-03" {
		t.Errorf("status %s expected %v", meet.Status, meet.Event.Expected)
	}
}

// TestThreadsJSONShape checks the field names of `threads --json` against
// DESIGN.md.
func TestThreadsJSONShape(t *testing.T) {
	pub := time.Date(2017, 1, 27, 21, 5, 0, 0, time.UTC)
	exp := time.Date(2017, 1, 28, 0, 0, 0, 0, time.UTC)
	th := storyline.Thread{
		Anticipation: storyline.Anticipation{ID: 3, StoryID: 17, Published: pub, Summary: "Donald Trump and Vladimir Putin speak",
			Actors: []storyline.Actor{{Name: "Donald Trump", Key: "trump"}, {Name: "Vladimir Putin", Key: "putin"}, {Name: "Washington", Key: "washington", Secondary: true}},
			Action: "speak", Class: "speak", From: exp, To: exp},
		Story: storyline.StoryRef{ID: 17, URL: "https://a.example/1", Title: "Trump, Putin expected to speak", Published: pub},
		Outcomes: []storyline.ThreadOutcome{{Story: storyline.StoryRef{ID: 42, URL: "https://b.example/2", Title: "They spoke",
			Published: exp.Add(20 * time.Hour)}, Relation: storyline.Happened, Score: 0.91, Explanation: "actors trump, putin"}},
	}
	raw, err := json.Marshal(followup.Threads([]storyline.Thread{th}, followup.DefaultOptions(), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	el := got[0]
	a := el["anticipation"].(map[string]any)
	ev := el["event"].(map[string]any)
	o := el["outcomes"].([]any)[0].(map[string]any)
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"anticipation.id", a["id"], 17.0},
		{"anticipation.url", a["url"], "https://a.example/1"},
		{"anticipation.title", a["title"], "Trump, Putin expected to speak"},
		{"anticipation.published", a["published"], "2017-01-27T21:05:00Z"},
		{"event.summary", ev["summary"], "Donald Trump and Vladimir Putin speak"},
		{"event.action", ev["action"], "speak"},
		{"event.expected", ev["expected"], "2017-01-28"},
		{"status", el["status"], "happened"},
		{"outcomes.id", o["id"], 42.0},
		{"outcomes.url", o["url"], "https://b.example/2"},
		{"outcomes.published", o["published"], "2017-01-28T20:00:00Z"},
		{"outcomes.relation", o["relation"], "happened"},
		{"outcomes.score", o["score"], 0.91},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if actors, _ := ev["actors"].([]any); len(actors) != 2 || actors[0] != "Donald Trump" || actors[1] != "Vladimir Putin" {
		t.Errorf("event.actors = %v", ev["actors"])
	}
	// No time given: expected is null; no outcome: outcomes is an empty array.
	th.Anticipation.From, th.Anticipation.To, th.Outcomes = time.Time{}, time.Time{}, nil
	raw, _ = json.Marshal(followup.Thread(&th, followup.DefaultOptions(), pub))
	if !strings.Contains(string(raw), `"expected":null`) || !strings.Contains(string(raw), `"outcomes":[]`) || !strings.Contains(string(raw), `"status":"pending"`) {
		t.Errorf("undated thread JSON: %s", raw)
	}
}

// A poll retried alone after its batch rolled back reuses the analysis
// prepared for it: the first attempt must not have changed it (a story
// that joined another's event would be stored pointing at an event the
// rollback removed).
func TestRetryReusesAnalysis(t *testing.T) {
	ctx := context.Background()
	db, l := linkerStore(t)
	fri := time.Date(2023, 3, 3, 12, 0, 0, 0, time.UTC)
	a := &storyline.Story{URL: "https://wire.example/1", Title: "Macron and Scholz to meet in Berlin on Friday",
		Summary: "French President Emmanuel Macron will meet German Chancellor Olaf Scholz in Berlin on Friday evening.", Published: fri.Add(-48 * time.Hour)}
	b := &storyline.Story{URL: "https://wire.example/2", Title: "Macron and Scholz to meet in Berlin",
		Summary: "French President Emmanuel Macron is expected to meet German Chancellor Olaf Scholz in Berlin.", Published: fri.Add(-24 * time.Hour)}
	anB := followup.Analyze(b)
	store := func(tx *storage.Tx, s *storyline.Story, an *followup.Analysis) error {
		feed, err := tx.FeedID(ctx, "wire", "https://wire.example/feed")
		if err != nil {
			return err
		}
		s.FirstSeen, s.ID = s.Published, 0
		if err := tx.InsertStory(ctx, s, feed, s.URL); err != nil {
			return err
		}
		_, err = l.ProcessAnalyzed(ctx, tx, s, an)
		return err
	}
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx *storage.Tx) error {
		if err := store(tx, a, followup.Analyze(a)); err != nil {
			return err
		}
		if err := store(tx, b, anB); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *storage.Tx) error { return store(tx, b, anB) }); err != nil {
		t.Fatal(err)
	}
	ts, err := db.Threads(ctx, storage.ThreadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Story.URL != b.URL {
		t.Fatalf("threads %+v, want the retried story's event", ts)
	}
}

// TestCalledOffTakesNoLaterOutcome: once a story calls an event off, a
// later report of the same people on the same date is another happening
// (a replacement bout), also after a restart, when the store tells it.
func TestCalledOffTakesNoLaterOutcome(t *testing.T) {
	db, l := linkerStore(t)
	feb := time.Date(2019, 2, 13, 12, 0, 0, 0, time.UTC)
	ant := &storyline.Story{URL: "https://wire.example/fight", Title: "Joshua to fight Miller in New York on June 1",
		Summary: "Anthony Joshua will defend his heavyweight titles against Jarrell Miller at Madison Square Garden on June 1.", Published: feb}
	off := &storyline.Story{URL: "https://wire.example/off", Title: "Joshua-Miller fight off after New York denies licence",
		Summary:   "The heavyweight fight between Anthony Joshua and Jarrell Miller at Madison Square Garden has been called off.",
		Published: time.Date(2019, 4, 18, 12, 0, 0, 0, time.UTC)}
	ruiz := &storyline.Story{URL: "https://wire.example/ruiz", Title: "Ruiz stuns Joshua at Madison Square Garden",
		Summary:   "Andy Ruiz knocked out Anthony Joshua in New York on Saturday to take his heavyweight titles.",
		Published: time.Date(2019, 6, 2, 6, 0, 0, 0, time.UTC)}
	ingest(t, db, l, ant, off)
	// A restarted daemon: the linker learns what was called off from the store.
	ingest(t, db, followup.NewLinker(followup.DefaultOptions(), nil), ruiz)

	var got []string
	for _, v := range threadViews(t, db, l, ruiz.Published) {
		for _, o := range v.Outcomes {
			got = append(got, o.URL+" "+o.Relation)
		}
	}
	if want := off.URL + " cancelled"; strings.Join(got, ",") != want {
		t.Errorf("outcomes %v, want %s", got, want)
	}
}

// TestNoChainedAnnouncements: a story joins an event through one of its
// announcements only if it shares some terms with the event's first: else
// a roundup ("what to expect this week") gathers every story that shares a
// word with the last one to join.
func TestNoChainedAnnouncements(t *testing.T) {
	db, l := linkerStore(t)
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC)
	roundup := &storyline.Story{URL: "https://wire.example/1", Title: "What to expect this week: markets, weather and football",
		Summary: "What to expect this week in markets, weather and football.", Published: mon}
	phone := &storyline.Story{URL: "https://wire.example/2", Title: "What to expect this week: markets and the Zephyr phone launch",
		Summary: "What to expect this week in markets and from the Zephyr phone launch.", Published: mon.Add(time.Hour)}
	launch := &storyline.Story{URL: "https://wire.example/3", Title: "Orbis set to launch Zephyr phone with foldable screen",
		Summary: "Orbis is set to launch the Zephyr phone with a foldable screen and a new camera.", Published: mon.Add(2 * time.Hour)}
	ingest(t, db, l, roundup, phone, launch)
	for _, v := range threadViews(t, db, l, mon) {
		if v.Anticipation.URL != roundup.URL {
			continue
		}
		for _, a := range v.Announcements {
			if a.URL == launch.URL {
				t.Errorf("the launch joined the roundup's event through %v", v.Announcements)
			}
		}
	}
}

// TestAnotherCommitteeVetoes: when one announcement of an event names the
// committee it is held before, a story about another committee's hearing
// is no outcome of the event, even through its other announcements.
func TestAnotherCommitteeVetoes(t *testing.T) {
	db, l := linkerStore(t)
	tue := time.Date(2019, 2, 26, 9, 0, 0, 0, time.UTC)
	when := &storyline.Story{URL: "https://wire.example/1", Title: "Michael Cohen testimony: what time it starts, how to watch",
		Summary: "Michael Cohen, the president's former lawyer, is expected to testify on Wednesday.", Published: tue}
	named := &storyline.Story{URL: "https://wire.example/2", Title: "Michael Cohen to testify before House Oversight Committee on Wednesday",
		Summary: "Michael Cohen will testify publicly before the House Oversight Committee on Wednesday.", Published: tue.Add(time.Hour)}
	public := &storyline.Story{URL: "https://wire.example/3", Title: "Michael Cohen testifies before Oversight Committee",
		Summary: "Michael Cohen testified before the House Oversight Committee on Wednesday, calling the president a con man.", Published: tue.Add(30 * time.Hour)}
	closed := &storyline.Story{URL: "https://wire.example/4", Title: "Michael Cohen back at House Intelligence Committee for closed-door testimony",
		Summary: "Michael Cohen emerged from a closed-door House Intelligence Committee hearing on Thursday.", Published: tue.Add(55 * time.Hour)}
	ingest(t, db, l, when, named, public, closed)
	var got []string
	for _, v := range threadViews(t, db, l, closed.Published) {
		for _, o := range v.Outcomes {
			got = append(got, o.URL)
		}
	}
	if strings.Join(got, ",") != public.URL {
		t.Errorf("outcomes %v, want only %s", got, public.URL)
	}
}
