package notify

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/storyline/storyline"
)

func TestComposeFeedHealth(t *testing.T) {
	const day = 24 * time.Hour
	spec := Spec{Name: "morning", AlertAfter: day}
	// ok is a feed fetched fine a minute ago that brought a story an hour
	// ago, usually one every two hours.
	ok := func(name string, opts ...func(*storyline.FeedHealth)) storyline.FeedHealth {
		f := storyline.FeedHealth{FeedState: storyline.FeedState{Name: name, Polls: 100, LastFetch: end.Add(-time.Minute),
			LastSuccess: end.Add(-time.Minute)}, FirstFetch: end.Add(-40 * day), Arrivals: rhythm(end.Add(-time.Hour), 2*time.Hour, 101),
			WeekBefore: true}
		for _, o := range opts {
			o(&f)
		}
		return f
	}
	failing := func(since time.Duration, n int, status int, msg string) func(*storyline.FeedHealth) {
		return func(f *storyline.FeedHealth) {
			f.LastSuccess, f.Failures, f.LastStatus, f.LastError = end.Add(-since), n, status, msg
		}
	}
	never := func(f *storyline.FeedHealth) {
		f.LastSuccess, f.Polls, f.Arrivals, f.WeekBefore = time.Time{}, 0, nil, false
	}
	quiet := func(since, gap time.Duration, arrivals int) func(*storyline.FeedHealth) {
		return func(f *storyline.FeedHealth) { f.Arrivals = rhythm(end.Add(-since), gap, arrivals) }
	}
	quietWeekBefore := func(f *storyline.FeedHealth) { f.WeekBefore = false }
	type notice struct{ Feed, Problem, Reason string }
	tests := []struct {
		name    string
		atFirst bool // alert_after 0
		feeds   []storyline.FeedHealth
		want    []notice
	}{
		{name: "healthy feeds: no notice", feeds: []storyline.FeedHealth{ok("wire"), ok("bbc")}},
		{
			name:  "failing for longer than alert_after",
			feeds: []storyline.FeedHealth{ok("wire", failing(3*day+2*time.Hour, 9, 503, "HTTP 503 Service Unavailable"))},
			want:  []notice{{"wire", "failing", "failing for 3d: HTTP 503 Service Unavailable"}},
		},
		{
			name:  "failing, but not for long enough yet",
			feeds: []storyline.FeedHealth{ok("wire", failing(23*time.Hour, 4, 503, "HTTP 503 Service Unavailable"))},
		},
		{
			name:  "exactly alert_after is not more than it",
			feeds: []storyline.FeedHealth{ok("wire", failing(day, 4, 503, "HTTP 503 Service Unavailable"))},
		},
		{
			name:    "alert_after 0 reports the first failure",
			atFirst: true,
			feeds:   []storyline.FeedHealth{ok("wire", failing(10*time.Minute, 1, 0, "dial tcp: connection refused"))},
			want:    []notice{{"wire", "failing", "failing for 10m: dial tcp: connection refused"}},
		},
		{
			name: "never succeeded: failing since its first fetch",
			feeds: []storyline.FeedHealth{
				ok("new", never, failing(0, 3, 404, "HTTP 404 Not Found"), func(f *storyline.FeedHealth) {
					f.LastSuccess, f.FirstFetch = time.Time{}, end.Add(-30*time.Hour)
				}),
				ok("newer", never, failing(0, 1, 404, "HTTP 404 Not Found"), func(f *storyline.FeedHealth) {
					f.LastSuccess, f.FirstFetch = time.Time{}, end.Add(-3*time.Hour)
				}),
			},
			want: []notice{{"new", "failing", "failing for 1d 6h, never fetched successfully: HTTP 404 Not Found"}},
		},
		{
			name: "the error is plain text, and the status stands in for a missing one",
			feeds: []storyline.FeedHealth{
				ok("a", failing(2*day, 2, 0, "lookup <b>feeds.example</b>:\n no such host")),
				ok("b", failing(2*day, 2, 500, "")),
			},
			want: []notice{
				{"a", "failing", "failing for 2d: lookup feeds.example: no such host"},
				{"b", "failing", "failing for 2d: HTTP 500"},
			},
		},
		{
			name:  "silent for longer than three times its usual gap",
			feeds: []storyline.FeedHealth{ok("blog", quiet(6*day+5*time.Hour, 8*time.Hour, 40))},
			want:  []notice{{"blog", "silent", "no new story for 6d, usually one every 8h"}},
		},
		{
			name:  "quiet, but within three usual gaps",
			feeds: []storyline.FeedHealth{ok("weekly", quiet(9*day, 4*day, 8))},
		},
		{
			name: "a busy feed is never silent within two days",
			feeds: []storyline.FeedHealth{
				ok("busy", quiet(47*time.Hour, 10*time.Minute, 101)),
				ok("busier", quiet(49*time.Hour, 10*time.Minute, 101)),
			},
			want: []notice{{"busier", "silent", "no new story for 2d 1h, usually one every 10m"}},
		},
		{
			name: "no known rhythm: never silent",
			feeds: []storyline.FeedHealth{
				ok("one-arrival", quiet(20*day, time.Hour, 1)),
				ok("nothing-ever", func(f *storyline.FeedHealth) { f.Arrivals = nil }),
			},
		},
		{
			name: "quiet now, but also quiet at the same time a week ago (a weekend)",
			feeds: []storyline.FeedHealth{
				ok("weekdays", quiet(61*time.Hour, 30*time.Minute, 101), quietWeekBefore),
				ok("daily", quiet(61*time.Hour, 30*time.Minute, 101)),
			},
			want: []notice{{"daily", "silent", "no new story for 2d 13h, usually one every 30m"}},
		},
		{
			name: "a failing feed is reported as failing, not silent",
			feeds: []storyline.FeedHealth{
				ok("down", quiet(10*day, time.Hour, 50), failing(10*day, 30, 410, "HTTP 410 Gone")),
				ok("flaky", quiet(10*day, time.Hour, 50), failing(2*time.Hour, 1, 502, "HTTP 502 Bad Gateway")),
			},
			want: []notice{{"down", "failing", "failing for 10d: HTTP 410 Gone"}},
		},
		{
			name: "failing feeds first, then silent ones, each by name",
			feeds: []storyline.FeedHealth{
				ok("c-silent", quiet(5*day, time.Hour, 50)),
				ok("d-failing", failing(2*day, 5, 503, "HTTP 503 Service Unavailable")),
				ok("a-silent", quiet(3*day, 2*time.Hour, 50)),
				ok("b-fine"),
				ok("b-failing", failing(4*day, 5, 0, "timed out after 20s")),
			},
			want: []notice{
				{"b-failing", "failing", "failing for 4d: timed out after 20s"},
				{"d-failing", "failing", "failing for 2d: HTTP 503 Service Unavailable"},
				{"a-silent", "silent", "no new story for 3d, usually one every 2h"},
				{"c-silent", "silent", "no new story for 5d, usually one every 1h"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spec
			if tt.atFirst {
				s.AlertAfter = 0
			}
			d := Compose(s, Input{Start: t0, End: end, Feeds: tt.feeds})
			var got []notice
			for _, n := range d.FeedHealth {
				got = append(got, notice{n.Feed, n.Problem, n.Reason})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// A notice alone never makes a digest worth sending.
			if !d.Empty() {
				t.Error("a digest with only feed notices is not empty")
			}
		})
	}
}

// rhythm is n arrivals, newest first, from last back every gap.
func rhythm(last time.Time, gap time.Duration, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = last.Add(-time.Duration(i) * gap)
	}
	return out
}

func TestUsualGap(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		name     string
		arrivals []time.Time
		want     time.Duration
		ok       bool
	}{
		{"none", nil, 0, false},
		{"one arrival: no rhythm", rhythm(end, time.Hour, 1), 0, false},
		{"one gap", rhythm(end, 5*time.Hour, 2), 5 * time.Hour, true},
		{"even count: the mean of the middle two", []time.Time{end, end.Add(-time.Hour), end.Add(-4 * time.Hour)}, 2 * time.Hour, true},
		{"the median ignores the odd long gap", append(rhythm(end, time.Hour, 10), end.Add(-20*day)), time.Hour, true},
		{
			"only the latest 100 gaps count: the recent rhythm",
			append(rhythm(end, 20*time.Minute, 101), rhythm(end.Add(-101*20*time.Minute), 6*time.Hour, 50)...),
			20 * time.Minute, true,
		},
		{
			"only the 30 days before the latest arrival count",
			append(rhythm(end, 12*time.Hour, 5), rhythm(end.Add(-31*day), time.Hour, 50)...),
			12 * time.Hour, true,
		},
	}
	for _, tt := range tests {
		got, ok := usualGap(tt.arrivals)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: usualGap = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFeedNoticeFields(t *testing.T) {
	f := storyline.FeedHealth{FeedState: storyline.FeedState{Name: "blog", LastSuccess: end.Add(-time.Hour)},
		Arrivals: rhythm(end.Add(-100*time.Hour), 8*time.Hour, 12), WeekBefore: true}
	d := Compose(Spec{AlertAfter: time.Hour}, Input{End: end, Feeds: []storyline.FeedHealth{f}})
	want := []FeedNotice{{Feed: "blog", Problem: FeedSilent, Since: end.Add(-100 * time.Hour), UsualGap: 8 * 3600,
		Reason: "no new story for 4d, usually one every 8h"}}
	if diff := cmp.Diff(want, d.FeedHealth); diff != "" {
		t.Errorf("silent (-want +got):\n%s", diff)
	}
	f = storyline.FeedHealth{FeedState: storyline.FeedState{Name: "wire", Failures: 7, LastStatus: 503,
		LastError: "HTTP 503 Service Unavailable", LastSuccess: end.Add(-50 * time.Hour)}}
	d = Compose(Spec{AlertAfter: time.Hour}, Input{End: end, Feeds: []storyline.FeedHealth{f}})
	want = []FeedNotice{{Feed: "wire", Problem: FeedFailing, Since: end.Add(-50 * time.Hour), Failures: 7,
		Error: "HTTP 503 Service Unavailable", Reason: "failing for 2d 2h: HTTP 503 Service Unavailable"}}
	if diff := cmp.Diff(want, d.FeedHealth); diff != "" {
		t.Errorf("failing (-want +got):\n%s", diff)
	}
}

func TestDurationText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{40 * time.Second, "40s"},
		{90 * time.Second, "1m 30s"},
		{45 * time.Minute, "45m"},
		{150 * time.Minute, "2h 30m"},
		{8*time.Hour + 59*time.Minute, "8h"},
		{30 * time.Hour, "1d 6h"},
		{48 * time.Hour, "2d"},
		{6*24*time.Hour + 23*time.Hour, "6d"},
	}
	for _, tt := range tests {
		if got := durationText(tt.d); got != tt.want {
			t.Errorf("durationText(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
