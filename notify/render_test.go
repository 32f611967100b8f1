package notify

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleDigest is a digest with every section, made-up stories and some
// hostile feed text.
func sampleDigest() *Digest {
	day := func(d int) time.Time { return time.Date(2017, 1, d, 0, 0, 0, 0, time.UTC) }
	spec := Spec{Name: "morning", Subject: "storyline: morning", Topics: []string{"diplomacy", "space"},
		MaxStories: 4, Upcoming: 7 * 24 * time.Hour, Grace: 2 * 24 * time.Hour, AlertAfter: 24 * time.Hour}
	stories := []storyline.Story{
		{ID: 21, URL: "https://wire.example/leaders-agree-call", Title: "Leaders agree to a phone call on Saturday",
			Summary: "The two presidents <b>will speak</b> by phone on Saturday, officials said, in the first contact since the inauguration. " +
				"Aides expect the conversation to cover trade, sanctions and a long list of regional disputes that have strained relations for years.",
			Feed: "wire", Feeds: []string{"wire", "aggregator"}, Published: day(27).Add(9 * time.Hour), Topics: []string{"diplomacy"}, Storyline: 5},
		{ID: 22, URL: "https://daily.example/call-saturday?utm_source=x", Title: "Phone call set for Saturday",
			Summary: "A call is planned.", Feed: "daily", Feeds: []string{"daily"}, Published: day(27).Add(10 * time.Hour),
			Topics: []string{"diplomacy"}, Storyline: 5},
		{ID: 23, URL: "javascript:alert(1)", Title: `Probe <script>alert("x")</script>lands & rolls`,
			Summary: "Q&amp;A with the mission team.", Source: "Space Weekly", Feed: "aggregator", Feeds: []string{"aggregator"},
			Published: day(27).Add(11 * time.Hour), Topics: []string{"space", "diplomacy"}},
		{ID: 24, URL: "https://wire.example/probe-copy", Title: "Probe lands and rolls", Feed: "wire", Feeds: []string{"wire"},
			Published: day(27).Add(12 * time.Hour), DuplicateOf: 23},
		{ID: 25, URL: "https://wire.example/rocket", Title: "Rocket test delayed", Summary: "", Feed: "wire",
			Feeds: []string{"wire"}, Published: day(27).Add(13 * time.Hour), Topics: []string{"space"}},
		{ID: 26, URL: "https://wire.example/a", Title: "Envoys meet", Feed: "wire", Feeds: []string{"wire"},
			Published: day(27).Add(14 * time.Hour), Topics: []string{"diplomacy"}},
		{ID: 27, URL: "https://wire.example/b", Title: "Treaty text published", Feed: "wire", Feeds: []string{"wire"},
			Published: day(27).Add(15 * time.Hour), Topics: []string{"diplomacy"}},
		{ID: 28, URL: "https://wire.example/c", Title: "Talks adjourned", Feed: "wire", Feeds: []string{"wire"},
			Published: day(27).Add(16 * time.Hour), Topics: []string{"diplomacy"}},
	}
	events := []storyline.DigestEvent{
		{ID: 1, Summary: "Presidents speak by phone", Expected: day(26), Status: "happened",
			Anticipation: storyline.DigestRef{ID: 11, URL: "https://wire.example/call-planned", Title: "Presidents to speak by phone", Feed: "wire",
				Published: day(25), Topics: []string{"diplomacy"}},
			Outcome: storyline.DigestRef{ID: 26, URL: "https://wire.example/a", Title: "Envoys meet", Feed: "wire",
				Published: day(27).Add(14 * time.Hour), Topics: []string{"diplomacy"}}, Relation: "happened"},
		{ID: 2, Summary: "Ministers meet in Geneva", Expected: day(27), Status: "cancelled",
			Anticipation: storyline.DigestRef{ID: 12, URL: "https://wire.example/geneva", Title: "Ministers to meet in Geneva", Feed: "wire",
				Published: day(24), Topics: []string{"diplomacy"}},
			Outcome: storyline.DigestRef{ID: 28, URL: "https://wire.example/c", Title: "Talks adjourned", Feed: "wire",
				Published: day(27).Add(16 * time.Hour), Topics: []string{"diplomacy"}}, Relation: "cancelled"},
		{ID: 3, Summary: "Leaders speak by phone", Expected: day(28), Status: "pending",
			Anticipation: storyline.DigestRef{ID: 21, URL: "https://wire.example/leaders-agree-call", Title: "Leaders agree to a phone call on Saturday",
				Feed: "wire", Published: day(27).Add(9 * time.Hour), Topics: []string{"diplomacy"}}},
		{ID: 4, Summary: "Rocket launch", Expected: day(25), Status: "pending",
			Anticipation: storyline.DigestRef{ID: 13, URL: "https://wire.example/launch", Title: "Rocket to launch on Wednesday", Feed: "wire",
				Published: day(23), Topics: []string{"space"}}},
	}
	return Compose(spec, Input{Start: day(27).Add(7 * time.Hour), End: day(28).Add(7 * time.Hour), After: 20, Stories: stories, Events: events,
		Feeds: sampleFeeds()})
}

// sampleFeeds are, at Sat 28 Jan 2017 07:00 with alert_after 1d, a healthy
// feed, a failing one, a silent one and one that never worked.
func sampleFeeds() []storyline.FeedHealth {
	now := time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)
	every := func(last time.Time, gap time.Duration, n int) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = last.Add(-time.Duration(i) * gap)
		}
		return out
	}
	return []storyline.FeedHealth{
		{FeedState: storyline.FeedState{Name: "wire", LastSuccess: now.Add(-10 * time.Minute)},
			Arrivals: every(now.Add(-time.Hour), 30*time.Minute, 101), WeekBefore: true},
		{FeedState: storyline.FeedState{Name: "daily", Failures: 12, LastStatus: 503,
			LastError: "HTTP 503 Service Unavailable (retry after 1h0m0s)", LastSuccess: now.Add(-74 * time.Hour)},
			Arrivals: every(now.Add(-75*time.Hour), 6*time.Hour, 90), WeekBefore: true},
		{FeedState: storyline.FeedState{Name: "aggregator", LastSuccess: now.Add(-20 * time.Minute)},
			Arrivals: every(now.Add(-150*time.Hour), 8*time.Hour, 60), WeekBefore: true},
		{FeedState: storyline.FeedState{Name: "lab-notes", Failures: 40, LastError: `lookup <b>lab.example</b>: no such host`},
			FirstFetch: now.Add(-9 * 24 * time.Hour)},
	}
}

func TestRenderGolden(t *testing.T) {
	d := sampleDigest()
	text, err := RenderText(d)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "digest.txt.golden", text, *update)
	html, err := RenderHTML(d)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "digest.html.golden", html, *update)
	payload, err := RenderPayload(d)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "digest.json.golden", string(payload), *update)

	// Whatever the golden files say, hostile feed text never renders live.
	for _, bad := range []string{"<script", "<b>", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML rendering contains %q", bad)
		}
	}
	p, err := ParsePayload(payload)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, &p.Digest, cmp.AllowUnexported(Digest{}), cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".announced" || p.Last().String() == ".reported"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("payload round trip (-want +got):\n%s", diff)
	}
}

func TestRenderEmpty(t *testing.T) {
	d := Compose(Spec{Name: "evening", Subject: "storyline: evening"}, Input{End: end})
	text, err := RenderText(d)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "empty.txt.golden", text, *update)

	// A digest that sends empty ones still carries the feed notices.
	d = Compose(Spec{Name: "evening", Subject: "storyline: evening", SendEmpty: true, AlertAfter: 24 * time.Hour},
		Input{End: end, Feeds: sampleFeeds()})
	if !d.Empty() || len(d.FeedHealth) != 3 {
		t.Fatalf("empty=%v with %d feed notices, want empty with 3", d.Empty(), len(d.FeedHealth))
	}
	text, err = RenderText(d)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "empty-feeds.txt.golden", text, *update)
}

func TestParsePayloadVersion(t *testing.T) {
	if _, err := ParsePayload([]byte(`{"version":2,"type":"digest"}`)); err == nil {
		t.Error("a payload of an unknown version parsed")
	}
}

// TestPayloadListsNeverNull: an empty digest's lists are [] in the JSON,
// never null (only a first run's window start and an undated event are).
func TestPayloadListsNeverNull(t *testing.T) {
	d := &Digest{Key: "k", Name: "n", Sections: []Section{{Topic: "t", Stories: []Story{{ID: 1, Title: "x"}}}}}
	b, err := RenderPayload(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"followups": []`, `"upcoming": []`, `"overdue": []`, `"topics": []`, `"also": []`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("payload lacks %s", want)
		}
	}
	empty, err := RenderPayload(&Digest{Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(empty), `"sections": []`) || strings.Count(string(empty), "null") != 1 { // window.start
		t.Errorf("empty digest payload:\n%s", empty)
	}
	if d.FollowUps != nil || d.Sections[0].Stories[0].Also != nil {
		t.Error("rendering changed the digest")
	}
}

// TestDigestTimezone: a digest shows its times in its zone; its JSON stays
// UTC.
func TestDigestTimezone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	end := time.Date(2024, 7, 1, 5, 0, 0, 0, time.UTC)
	d := Compose(Spec{Name: "m", Subject: "s", MaxStories: 10, Location: berlin}, Input{End: end})
	text, err := RenderText(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Mon 1 Jul 2024 07:00 CEST") {
		t.Errorf("text not in Europe/Berlin:\n%s", text)
	}
	b, err := RenderPayload(d)
	if err != nil || !strings.Contains(string(b), `"end": "2024-07-01T05:00:00Z"`) {
		t.Errorf("payload: %v\n%s", err, b)
	}
}
