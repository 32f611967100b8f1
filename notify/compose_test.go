package notify

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/storyline/storyline"
)

var (
	t0  = time.Date(2017, 1, 27, 7, 0, 0, 0, time.UTC) // previous window end (a Friday)
	end = t0.Add(24 * time.Hour)                       // this window's end
)

func story(id int64, feed, title string, opts ...func(*storyline.Story)) storyline.Story {
	s := storyline.Story{ID: id, URL: "https://" + feed + ".example/" + title, Title: title, Summary: "About " + title + ".",
		Feed: feed, Feeds: []string{feed}, Published: t0.Add(time.Duration(id) * time.Minute), FirstSeen: t0.Add(time.Duration(id) * time.Minute)}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func topics(ts ...string) func(*storyline.Story) { return func(s *storyline.Story) { s.Topics = ts } }
func dupOf(id int64) func(*storyline.Story)      { return func(s *storyline.Story) { s.DuplicateOf = id } }
func cluster(id int64) func(*storyline.Story)    { return func(s *storyline.Story) { s.Storyline = id } }
func backlog(s *storyline.Story)                 { s.Backlog = true }
func feeds(fs ...string) func(*storyline.Story)  { return func(s *storyline.Story) { s.Feeds = fs } }
func source(src string) func(*storyline.Story)   { return func(s *storyline.Story) { s.Source = src } }

// shape is what the story tests compare: section titles with their story
// ids and, per story, its "also reported by" outlets.
type shape struct {
	Sections map[string][]int64
	Also     map[int64][]string
	Omitted  int
	Empty    bool
}

func shapeOf(d *Digest) shape {
	sh := shape{Sections: map[string][]int64{}, Also: map[int64][]string{}, Omitted: d.Omitted, Empty: d.Empty()}
	for _, sec := range d.Sections {
		for _, s := range sec.Stories {
			sh.Sections[sec.Title] = append(sh.Sections[sec.Title], s.ID)
			for _, a := range s.Also {
				sh.Also[s.ID] = append(sh.Also[s.ID], a.Outlet)
			}
		}
	}
	return sh
}

func TestComposeStories(t *testing.T) {
	tests := []struct {
		name    string
		spec    Spec
		stories []storyline.Story
		want    shape
	}{
		{
			name:    "backlog from a feed's first poll is never shown",
			stories: []storyline.Story{story(1, "new", "old-news", backlog), story(2, "wire", "fresh")},
			want:    shape{Sections: map[string][]int64{"Stories": {2}}, Also: map[int64][]string{}},
		},
		{
			name:    "only backlog: empty",
			stories: []storyline.Story{story(1, "new", "a", backlog), story(2, "new", "b", backlog)},
			want:    shape{Sections: map[string][]int64{}, Also: map[int64][]string{}, Empty: true},
		},
		{
			name: "a near-duplicate folds into its original, with its own link",
			stories: []storyline.Story{
				story(1, "wire", "talks"), story(2, "bbc", "talks-again", dupOf(1)), story(3, "wire", "other"),
			},
			want: shape{Sections: map[string][]int64{"Stories": {1, 3}}, Also: map[int64][]string{1: {"bbc"}}},
		},
		{
			name:    "a duplicate of a story from an earlier digest is dropped",
			stories: []storyline.Story{story(5, "bbc", "late-copy", dupOf(1)), story(6, "wire", "new")},
			want:    shape{Sections: map[string][]int64{"Stories": {6}}, Also: map[int64][]string{}},
		},
		{
			name: "a storyline shows once; other feeds carrying it count as outlets",
			stories: []storyline.Story{
				story(1, "wire", "call", cluster(9), feeds("wire", "agg")),
				story(2, "agg", "call-2", cluster(9), source("Le Monde")),
				story(3, "wire", "single"),
			},
			want: shape{Sections: map[string][]int64{"Stories": {1, 3}}, Also: map[int64][]string{1: {"Le Monde"}}},
		},
		{
			name: "an aggregator item's own feed is not another outlet",
			stories: []storyline.Story{
				story(1, "agg", "a", source("Reuters"), feeds("agg", "wire")),
			},
			want: shape{Sections: map[string][]int64{"Stories": {1}}, Also: map[int64][]string{1: {"wire"}}},
		},
		{
			name: "sections per topic, in the digest's order, each story under its first topic",
			spec: Spec{Topics: []string{"russia", "markets"}},
			stories: []storyline.Story{
				story(1, "wire", "oil", topics("markets")),
				story(2, "wire", "sanctions", topics("markets", "russia")),
				story(3, "wire", "football", topics("sport")),
				story(4, "wire", "untagged"),
			},
			want: shape{Sections: map[string][]int64{"russia": {2}, "markets": {1}}, Also: map[int64][]string{}},
		},
		{
			name: "a member's topic brings its group into the section",
			spec: Spec{Topics: []string{"russia"}},
			stories: []storyline.Story{
				story(1, "wire", "call", cluster(4)),
				story(2, "bbc", "call-2", cluster(4), topics("russia")),
			},
			want: shape{Sections: map[string][]int64{"russia": {1}}, Also: map[int64][]string{1: {"bbc"}}},
		},
		{
			name: "max_stories keeps the most reported, then the newest, and counts the rest",
			spec: Spec{MaxStories: 2},
			stories: []storyline.Story{
				story(1, "wire", "a"), story(2, "wire", "b"), story(3, "wire", "c", feeds("wire", "bbc")), story(4, "wire", "d"),
			},
			want: shape{Sections: map[string][]int64{"Stories": {3, 4}}, Also: map[int64][]string{3: {"bbc"}}, Omitted: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.Name = "morning"
			d := Compose(tt.spec, Input{Start: t0, End: end, Stories: tt.stories})
			if diff := cmp.Diff(tt.want, shapeOf(d)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func ref(id int64, title string, ts ...string) storyline.DigestRef {
	return storyline.DigestRef{ID: id, URL: "https://wire.example/" + title, Title: title, Feed: "wire",
		Published: t0.Add(time.Duration(id) * time.Minute), Topics: ts}
}

func TestComposeEvents(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	spec := Spec{Name: "morning", Upcoming: 7 * 24 * time.Hour, Grace: 2 * 24 * time.Hour}
	events := []storyline.DigestEvent{
		// The call happened: its outcome (story 12) is new.
		{ID: 1, Summary: "Trump and Putin speak by phone", Expected: day(2017, 1, 28), Status: "happened",
			Anticipation: ref(3, "trump-to-call-putin", "russia"), Outcome: ref(12, "trump-and-putin-spoke", "russia"), Relation: "happened"},
		// An outcome the previous digest already reported.
		{ID: 2, Summary: "Vote on the bill", Expected: day(2017, 1, 20), Status: "happened",
			Anticipation: ref(1, "vote-due"), Outcome: ref(9, "bill-passed"), Relation: "happened"},
		// Pending, expected within a week (anticipated by a new story).
		{ID: 3, Summary: "Summit in Malta", Expected: day(2017, 2, 3), Status: "pending", Anticipation: ref(11, "summit-set", "eu")},
		// Pending, expected today: still upcoming.
		{ID: 4, Summary: "Merkel call", Expected: day(2017, 1, 28), Status: "pending", Anticipation: ref(2, "merkel-call", "russia")},
		// Pending but too far ahead.
		{ID: 5, Summary: "Election", Expected: day(2017, 4, 23), Status: "pending", Anticipation: ref(4, "election")},
		// Expected Jan 24, grace 2 days: overdue from Jan 27 00:00 (the day
		// ends, then the grace), before this window.
		{ID: 6, Summary: "Old promise", Expected: day(2017, 1, 24), Status: "overdue", Anticipation: ref(1, "promise")},
		// Expected Jan 25: overdue from Jan 28 00:00, inside this window.
		{ID: 7, Summary: "Missed deadline", Expected: day(2017, 1, 25), Status: "pending", Anticipation: ref(2, "deadline")},
		// Expected Jan 26: overdue from Jan 29 00:00, after this window.
		{ID: 10, Summary: "Not yet late", Expected: day(2017, 1, 26), Status: "pending", Anticipation: ref(2, "not-late")},
		// No date: neither upcoming nor overdue.
		{ID: 8, Summary: "Someday", Status: "pending", Anticipation: ref(11, "someday")},
		// Cancelled, reported by a new story.
		{ID: 9, Summary: "Hollande call", Expected: day(2017, 1, 28), Status: "cancelled",
			Anticipation: ref(3, "hollande-call"), Outcome: ref(13, "hollande-call-off"), Relation: "cancelled"},
	}
	stories := []storyline.Story{story(11, "wire", "summit-set", topics("eu")), story(12, "wire", "trump-and-putin-spoke", topics("russia"))}

	type got struct {
		FollowUps, Upcoming, Overdue, Announced, Reported []int64
	}
	ids := func(d *Digest) got {
		var g got
		for _, f := range d.FollowUps {
			g.FollowUps = append(g.FollowUps, f.Event.ID)
		}
		for _, e := range d.Upcoming {
			g.Upcoming = append(g.Upcoming, e.Event.ID)
		}
		for _, e := range d.Overdue {
			g.Overdue = append(g.Overdue, e.Event.ID)
		}
		g.Announced, g.Reported = d.announced, d.reported
		return g
	}
	tests := []struct {
		name   string
		topics []string
		want   got
	}{
		{"every topic", nil, got{
			FollowUps: []int64{1, 9}, Upcoming: []int64{4, 3}, Overdue: []int64{7},
			Announced: []int64{3, 4, 8}, Reported: []int64{1, 9},
		}},
		{"only events of the digest's topics", []string{"russia"}, got{
			FollowUps: []int64{1}, Upcoming: []int64{4}, Announced: []int64{4}, Reported: []int64{1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spec
			s.Topics = tt.topics
			d := Compose(s, Input{Start: t0, End: end, After: 10, Stories: stories, Events: events})
			if diff := cmp.Diff(tt.want, ids(d)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	d := Compose(spec, Input{Start: t0, End: end, After: 10, Stories: stories, Events: events})
	f := d.FollowUps[0]
	if f.Anticipation.URL != "https://wire.example/trump-to-call-putin" || f.Outcome.URL != "https://wire.example/trump-and-putin-spoke" ||
		f.Relation != "happened" || f.Event.Expected == nil || *f.Event.Expected != "2017-01-28" {
		t.Errorf("follow-up = %+v: want both links, the relation and the expected date", f)
	}
	if d.Empty() {
		t.Error("a digest with follow-ups is not empty")
	}
	// Upcoming events alone do not make a digest worth sending.
	only := Compose(spec, Input{Start: t0, End: end, After: 20, Events: events[2:4]})
	if !only.Empty() || len(only.Upcoming) != 2 {
		t.Errorf("upcoming only: empty=%v upcoming=%d, want empty with 2 upcoming", only.Empty(), len(only.Upcoming))
	}
}

func TestCleanAndTruncate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain  text\n here", "plain text here"},
		{`<p>Hello <b>world</b><script>alert(1)</script></p>`, "Hello world"},
		{"Q&amp;A: a &lt; b", "Q&A: a < b"},
		{`<img src=x onerror="alert(1)">caption`, "caption"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := truncate("one two three four", 11); got != "one two…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Errorf("truncate = %q", got)
	}
}

func TestKeyAndMessageID(t *testing.T) {
	k := Key("morning", time.Date(2017, 1, 28, 8, 0, 0, 0, time.FixedZone("CET", 3600)))
	if k != "morning@2017-01-28T07:00:00Z" {
		t.Errorf("Key = %q", k)
	}
	a, b := MessageID(k, "example.org"), MessageID(k, "example.org")
	if a != b || MessageID("evening@2017-01-28T07:00:00Z", "example.org") == a {
		t.Errorf("Message-IDs %q %q: want deterministic and distinct per key", a, b)
	}
	if got := MessageID(k, ""); got[len(got)-len("@storyline.invalid"):] != "@storyline.invalid" {
		t.Errorf("Message-ID without a domain = %q", got)
	}
}
