package notify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// Feed-health rules. A feed is failing when its consecutive failures began
// more than Spec.AlertAfter ago (counted from its last success, or from its
// first fetch when it never succeeded). A feed whose fetches succeed is
// silent when its last new story is older than silentFactor times its usual
// gap and at least silentFloor old, and it did bring stories in the same
// stretch of time a week earlier. The usual gap is the median between its
// latest arrivals of new stories (at most recentGaps of them, within
// healthWindow before the last one): its recent rhythm. The floor keeps busy
// feeds from being reported over a quiet night, the week before one that is
// quiet every weekend.
const (
	healthWindow = 30 * 24 * time.Hour
	recentGaps   = 100
	silentFactor = 3
	silentFloor  = 48 * time.Hour
)

// Feed problems.
const (
	FeedFailing = "failing"
	FeedSilent  = "silent"
)

// errorLimit bounds the fetch error quoted in a notice, in characters.
const errorLimit = 120

// HealthTx is implemented by a Tx that knows feeds' fetch history; without
// it digests carry no feed-health notice.
type HealthTx interface {
	// FeedHealth returns every stored feed's state with its recent latest
	// arrivals of new stories and whether it had any in the same stretch
	// a week before now.
	FeedHealth(ctx context.Context, now time.Time, recent int) ([]storyline.FeedHealth, error)
}

// composeFeeds lists the feeds that need a look at end, failing ones first,
// each by name.
func composeFeeds(spec Spec, feeds []storyline.FeedHealth, end time.Time) []FeedNotice {
	var out []FeedNotice
	for _, f := range feeds {
		if n, ok := feedNotice(spec, f, end); ok {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b FeedNotice) int {
		return cmp.Or(cmp.Compare(problemRank(a.Problem), problemRank(b.Problem)), cmp.Compare(a.Feed, b.Feed))
	})
	return out
}

func problemRank(p string) int {
	if p == FeedFailing {
		return 0
	}
	return 1
}

// feedNotice says whether f is failing or silent at end, and why.
func feedNotice(spec Spec, f storyline.FeedHealth, end time.Time) (FeedNotice, bool) {
	if f.Failures > 0 {
		since, never := f.LastSuccess, f.LastSuccess.IsZero()
		if never {
			since = cmp.Or(f.FirstFetch, f.LastFetch)
		}
		if since.IsZero() || end.Sub(since) <= spec.AlertAfter {
			return FeedNotice{}, false
		}
		n := FeedNotice{Feed: f.Name, Problem: FeedFailing, Since: since.UTC(), Failures: f.Failures,
			Error: truncate(clean(f.LastError), errorLimit)}
		if n.Error == "" && f.LastStatus != 0 {
			n.Error = fmt.Sprintf("HTTP %d", f.LastStatus)
		}
		n.Reason = "failing for " + durationText(end.Sub(since))
		if never {
			n.Reason += ", never fetched successfully"
		}
		if n.Error != "" {
			n.Reason += ": " + n.Error
		}
		return n, true
	}
	// Silence means something only for a feed that is fetched fine and
	// whose usual rhythm is known.
	gap, ok := usualGap(f.Arrivals)
	if !ok || f.LastSuccess.IsZero() || !f.WeekBefore {
		return FeedNotice{}, false
	}
	last := f.Arrivals[0]
	quiet := end.Sub(last)
	if quiet <= max(silentFactor*gap, silentFloor) {
		return FeedNotice{}, false
	}
	return FeedNotice{
		Feed: f.Name, Problem: FeedSilent, Since: last.UTC(), UsualGap: int64(gap / time.Second),
		Reason: "no new story for " + durationText(quiet) + ", usually one every " + durationText(gap),
	}, true
}

// usualGap is the median gap between arrivals (newest first), over the
// latest recentGaps of them within healthWindow before the newest; false
// when there are fewer than two.
func usualGap(arrivals []time.Time) (time.Duration, bool) {
	var gaps []time.Duration
	for i := 1; i < len(arrivals) && len(gaps) < recentGaps; i++ {
		if arrivals[0].Sub(arrivals[i]) > healthWindow {
			break
		}
		gaps = append(gaps, arrivals[i-1].Sub(arrivals[i]))
	}
	if len(gaps) == 0 {
		return 0, false
	}
	slices.Sort(gaps)
	n := len(gaps)
	if n%2 == 1 {
		return gaps[n/2], true
	}
	return (gaps[n/2-1] + gaps[n/2]) / 2, true
}

// durationText is a short, rounded-down duration: "6d", "1d 6h", "8h",
// "2h 30m", "45m", "40s".
func durationText(d time.Duration) string {
	units := []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units {
		n := d / u.size
		if n == 0 {
			continue
		}
		s := fmt.Sprintf("%d%s", n, u.name)
		// Below three of a unit, the next one still says something.
		if n < 3 && i+1 < len(units) {
			if r := (d % u.size) / units[i+1].size; r > 0 {
				s += fmt.Sprintf(" %d%s", r, units[i+1].name)
			}
		}
		return s
	}
	return "0s"
}

// feedFilter keeps the health of the named feeds (every feed when names is
// nil): a feed removed from the config stays in the database but is no
// longer polled, and is no one's concern.
func feedFilter(feeds []storyline.FeedHealth, names []string) []storyline.FeedHealth {
	if names == nil {
		return feeds
	}
	keep := make(map[string]bool, len(names))
	for _, n := range names {
		keep[n] = true
	}
	var out []storyline.FeedHealth
	for _, f := range feeds {
		if keep[f.Name] {
			out = append(out, f)
		}
	}
	return out
}

// noticeText is one notice as a line: "wire: failing for 3d: HTTP 503".
func noticeText(n FeedNotice) string {
	return strings.TrimSpace(n.Feed + ": " + n.Reason)
}
