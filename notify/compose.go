package notify

import (
	"cmp"
	"html"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/storyline/storyline"
)

// Spec is one configured digest.
type Spec struct {
	Name       string
	Subject    string
	Topics     []string // the topics it covers, in section order; empty covers every story
	To         []string // recipients: "email:ADDRESS", "webhook:NAME"
	MaxStories int      // 0 for no limit
	SendEmpty  bool
	Upcoming   time.Duration // look-ahead of the upcoming section
	Grace      time.Duration // after the expected day ends before an event is overdue (followup.grace)
	// AlertAfter is how long a feed fails before the digest reports it
	// (fetch.alert_after); 0 reports it at its first failure.
	AlertAfter time.Duration
	// Location is the zone of the times its text and HTML show; nil is
	// UTC. The JSON payload is UTC whatever it is.
	Location *time.Location
}

// Input is what a digest is composed from.
type Input struct {
	// Start is the end of the digest's previous window (zero on its first
	// run); End is now, the end of this window.
	Start, End time.Time
	// After is the highest story id the previous run considered: stories,
	// and outcomes, above it are new.
	After int64
	// Stories are the stories stored since, in id order; backlog stories
	// (from a feed's first poll) are skipped, near-duplicates fold into the
	// story they duplicate.
	Stories []storyline.Story
	// Events are the anticipated events that may concern this window: those
	// with a new outcome, those anticipated by new stories, and pending ones
	// expected around it.
	Events []storyline.DigestEvent
	// Feeds is the health of the feeds the digest reports on (the
	// configured ones); nil for no feed-health notice.
	Feeds []storyline.FeedHealth
}

// summaryLimit bounds a story's summary in a digest, in characters.
const summaryLimit = 300

// Key is the deterministic key of digest name's window ending at end.
func Key(name string, end time.Time) string {
	return name + "@" + end.UTC().Format(time.RFC3339)
}

// Compose builds the digest of in for spec. It is pure: the clock is in.End.
func Compose(spec Spec, in Input) *Digest {
	d := &Digest{
		Key:     Key(spec.Name, in.End),
		Name:    spec.Name,
		Subject: spec.Subject,
		Window:  Window{End: in.End.UTC()},
		loc:     spec.Location,
	}
	if !in.Start.IsZero() {
		start := in.Start.UTC()
		d.Window.Start = &start
	}
	shown := d.composeStories(spec, groupStories(in.Stories))
	d.composeEvents(spec, in, shown)
	d.FeedHealth = composeFeeds(spec, in.Feeds, in.End.UTC())
	return d
}

// group is one story with the other reports folded into it.
type group struct {
	lead    storyline.Story
	members []storyline.Story
	topics  []string
}

// groupStories folds near-duplicates and same-storyline stories into the
// first story of their group. A duplicate of a story outside the input was
// already in an earlier digest (or its original came from a backlog) and is
// dropped.
func groupStories(stories []storyline.Story) []*group {
	var groups []*group
	byStory := map[int64]*group{}
	byStoryline := map[int64]*group{}
	for _, s := range stories {
		if s.Backlog {
			continue
		}
		var g *group
		switch {
		case s.DuplicateOf != 0:
			if g = byStory[s.DuplicateOf]; g == nil {
				continue
			}
		case s.Storyline != 0:
			g = byStoryline[s.Storyline]
		}
		if g == nil {
			g = &group{lead: s}
			groups = append(groups, g)
		} else {
			g.members = append(g.members, s)
		}
		byStory[s.ID] = g
		if s.Storyline != 0 && byStoryline[s.Storyline] == nil {
			byStoryline[s.Storyline] = g
		}
		for _, t := range s.Topics {
			if !slices.Contains(g.topics, t) {
				g.topics = append(g.topics, t)
			}
		}
	}
	return groups
}

func outlet(s storyline.Story) string {
	if s.Source != "" {
		return s.Source
	}
	return s.Feed
}

func (g *group) story() Story {
	s := Story{
		ID: g.lead.ID, URL: safeURL(g.lead.URL), Title: clean(g.lead.Title), Summary: truncate(clean(g.lead.Summary), summaryLimit),
		Published: g.lead.Published.UTC(), Feed: g.lead.Feed, Source: g.lead.Source,
		Topics: append([]string{}, g.topics...), Also: []Also{},
	}
	if s.Title == "" {
		s.Title = cmp.Or(s.URL, "(untitled)")
	}
	// The feed an aggregated story came through is not another outlet.
	seen := map[string]bool{outlet(g.lead): true, g.lead.Feed: true}
	add := func(a Also, feed string) {
		if a.Outlet == "" || seen[a.Outlet] {
			return
		}
		seen[a.Outlet], seen[feed] = true, true
		s.Also = append(s.Also, a)
	}
	for _, m := range g.members {
		add(Also{Outlet: outlet(m), ID: m.ID, URL: safeURL(m.URL), Title: clean(m.Title)}, m.Feed)
	}
	for _, st := range append([]storyline.Story{g.lead}, g.members...) {
		for _, f := range st.Feeds {
			add(Also{Outlet: f}, f)
		}
	}
	return s
}

// composeStories fills the sections and returns the ids of every story
// shown (members included).
func (d *Digest) composeStories(spec Spec, groups []*group) map[int64]bool {
	// Stories reported by more outlets first, then the newest.
	slices.SortStableFunc(groups, func(a, b *group) int {
		if c := cmp.Compare(len(b.members)+len(b.lead.Feeds), len(a.members)+len(a.lead.Feeds)); c != 0 {
			return c
		}
		if c := b.lead.Published.Compare(a.lead.Published); c != 0 {
			return c
		}
		return cmp.Compare(a.lead.ID, b.lead.ID)
	})
	type bucket struct {
		topic  string
		groups []*group
	}
	var buckets []bucket
	if len(spec.Topics) == 0 {
		buckets = []bucket{{groups: groups}}
	} else {
		// Each story goes under the first of the digest's topics it matches.
		placed := map[*group]bool{}
		for _, t := range spec.Topics {
			b := bucket{topic: t}
			for _, g := range groups {
				if !placed[g] && slices.Contains(g.topics, t) {
					placed[g] = true
					b.groups = append(b.groups, g)
				}
			}
			buckets = append(buckets, b)
		}
	}
	shown := map[int64]bool{}
	n := 0
	for _, b := range buckets {
		sec := Section{Topic: b.topic, Title: b.topic}
		if b.topic == "" {
			sec.Title = "Stories"
		}
		for _, g := range b.groups {
			if spec.MaxStories > 0 && n >= spec.MaxStories {
				d.Omitted++
				continue
			}
			n++
			sec.Stories = append(sec.Stories, g.story())
			shown[g.lead.ID] = true
			for _, m := range g.members {
				shown[m.ID] = true
			}
		}
		if len(sec.Stories) > 0 {
			d.Sections = append(d.Sections, sec)
		}
	}
	return shown
}

func (d *Digest) composeEvents(spec Spec, in Input, shown map[int64]bool) {
	d.FollowUps, d.Upcoming, d.Overdue = []FollowUp{}, []Event{}, []Event{}
	end := in.End.UTC()
	today := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	// On a first run, overdue looks back as far as upcoming looks ahead.
	from := in.Start
	if from.IsZero() {
		from = end.Add(-spec.Upcoming)
	}
	announced := map[int64]bool{}
	for _, e := range in.Events {
		if !coversEvent(spec, e) {
			continue
		}
		pending := e.Outcome.ID == 0 && (e.Status == "pending" || e.Status == "overdue" || e.Status == "")
		switch {
		case e.Outcome.ID > in.After:
			d.FollowUps = append(d.FollowUps, FollowUp{
				Event: eventInfo(e), Relation: cmp.Or(e.Relation, e.Status),
				Anticipation: link(e.Anticipation), Outcome: link(e.Outcome),
			})
			d.reported = append(d.reported, e.ID)
		case pending && !e.Expected.IsZero() && !e.Expected.Before(today) && !e.Expected.After(end.Add(spec.Upcoming)):
			d.Upcoming = append(d.Upcoming, Event{Event: eventInfo(e), Status: "pending", Anticipation: link(e.Anticipation)})
			announced[e.ID] = true
		case pending && !e.Expected.IsZero() && overdueAt(spec, e).After(from) && !overdueAt(spec, e).After(end):
			d.Overdue = append(d.Overdue, Event{Event: eventInfo(e), Status: "overdue", Anticipation: link(e.Anticipation)})
		}
		if shown[e.Anticipation.ID] {
			announced[e.ID] = true
		}
	}
	slices.SortStableFunc(d.FollowUps, func(a, b FollowUp) int {
		return cmp.Or(a.Outcome.Published.Compare(b.Outcome.Published), cmp.Compare(a.Event.ID, b.Event.ID))
	})
	byExpected := func(a, b Event) int {
		return cmp.Or(cmp.Compare(*a.Event.Expected, *b.Event.Expected), cmp.Compare(a.Event.ID, b.Event.ID))
	}
	slices.SortStableFunc(d.Upcoming, byExpected)
	slices.SortStableFunc(d.Overdue, byExpected)
	for id := range announced {
		d.announced = append(d.announced, id)
	}
	slices.Sort(d.announced)
	slices.Sort(d.reported)
}

// overdueAt is when a pending event becomes overdue: once its expected day
// and the grace after it have passed (as package followup rules).
func overdueAt(spec Spec, e storyline.DigestEvent) time.Time {
	return e.Expected.Add(24*time.Hour + spec.Grace)
}

// coversEvent reports whether a digest of spec's topics shows e: one of its
// stories must match one of them.
func coversEvent(spec Spec, e storyline.DigestEvent) bool {
	if len(spec.Topics) == 0 {
		return true
	}
	for _, t := range spec.Topics {
		if slices.Contains(e.Anticipation.Topics, t) || slices.Contains(e.Outcome.Topics, t) {
			return true
		}
	}
	return false
}

func eventInfo(e storyline.DigestEvent) EventInfo {
	info := EventInfo{ID: e.ID, Summary: clean(e.Summary)}
	if !e.Expected.IsZero() {
		day := e.Expected.UTC().Format(time.DateOnly)
		info.Expected = &day
	}
	return info
}

func link(r storyline.DigestRef) Link {
	return Link{ID: r.ID, URL: safeURL(r.URL), Title: cmp.Or(clean(r.Title), r.URL), Feed: cmp.Or(r.Source, r.Feed), Published: r.Published.UTC()}
}

// strict strips every tag: feed text is meant to be plain already, but what
// slipped through must not reach a mail client or a chat as markup.
var strict = bluemonday.StrictPolicy()

// clean turns feed text into one line of plain text.
func clean(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(strict.Sanitize(s))
	}
	return strings.Join(strings.Fields(s), " ")
}

// safeURL keeps only http(s) links: a feed's javascript: or data: link must
// not reach a reader, whichever rendering they get.
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// truncate cuts s to at most n characters at a word boundary, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}
