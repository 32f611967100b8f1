package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/storage"
)

// calendar serves each event with a date as an all-day calendar event
// (RFC 5545): tentative until reported, confirmed once it happened,
// cancelled when called off. ?topic= narrows it.
func (s *server) calendar(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	evs, err := s.o.DB.CalendarEvents(r.Context(), now.Add(-reach))
	if err != nil {
		s.fail(w, err)
		return
	}
	keep, err := s.filter(r.Context(), r)
	if err != nil {
		s.fail(w, err)
		return
	}
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//storyline//what the news expects//EN")
	cal.SetName("storyline: what the news expects")
	var desc strings.Builder
	for _, e := range evs {
		a := &e.Anticipation
		if keep != nil && !keep[e.Story.ID] && !slices.ContainsFunc(e.Outcomes, func(o storyline.ThreadOutcome) bool { return keep[o.Story.ID] }) {
			continue
		}
		// The window's last day, as threads and the page show it.
		day := time.Date(a.To.Year(), a.To.Month(), a.To.Day(), 0, 0, 0, 0, time.UTC)
		// A new event has none of its properties yet: adding them spares
		// the library's search for one to replace.
		ev := cal.AddEvent("event-" + strconv.FormatInt(a.ID, 10) + "@storyline")
		ev.SetDtStampTime(a.Published)
		ev.SetAllDayStartAt(day)
		ev.SetAllDayEndAt(day.Add(24 * time.Hour))
		ev.AddProperty(ics.ComponentPropertySummary, a.Summary)
		ev.AddProperty(ics.ComponentPropertyUrl, e.Story.URL)
		desc.Reset()
		desc.WriteString("Announced: ")
		desc.WriteString(e.Story.Title)
		for _, o := range e.Outcomes {
			fmt.Fprintf(&desc, "\n%s: %s %s", o.Relation, o.Story.Title, o.Story.URL)
		}
		ev.AddProperty(ics.ComponentPropertyDescription, desc.String())
		switch s.o.Followup.Status(a, e.Outcomes, now) {
		case storyline.StatusHappened:
			ev.SetStatus(ics.ObjectStatusConfirmed)
		case storyline.StatusCancelled, storyline.StatusPostponed:
			ev.SetStatus(ics.ObjectStatusCancelled)
		default:
			ev.SetStatus(ics.ObjectStatusTentative)
		}
	}
	var buf bytes.Buffer
	buf.Grow(1024 * (len(evs) + 1)) // about a kilobyte an event: no copying as it grows
	if err := cal.SerializeTo(&buf); err != nil {
		s.fail(w, err)
		return
	}
	s.send(w, r, "text/calendar; charset=utf-8", buf.Bytes())
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

// atom serves the follow-ups and the digests sent, newest first, as an
// Atom feed: what storyline found reaches any feed reader. ?topic= narrows
// it to that topic's follow-ups.
func (s *server) atom(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	evs, err := s.events(r.Context(), r, now, storage.ThreadFilter{Since: now.Add(-reach)})
	if err != nil {
		s.fail(w, err)
		return
	}
	evs = slices.DeleteFunc(evs, func(e event) bool { return len(e.Outcomes) == 0 })
	slices.SortStableFunc(evs, func(a, b event) int { return b.Resolved.Compare(a.Resolved) })
	f := atomFeed{Title: "storyline: follow-ups", ID: "tag:storyline,2017:followups", Author: atomPerson{Name: "storyline"},
		Updated: now.UTC().Format(time.RFC3339), Links: []atomLink{{Href: "/", Rel: "alternate"}}}
	if len(evs) > 0 {
		f.Updated = evs[0].Resolved.UTC().Format(time.RFC3339)
	}
	for _, e := range evs[:min(len(evs), 100)] {
		o := e.Outcomes[0]
		lines := []string{"Announced: " + e.Anticipation.Title + " (" + e.Anticipation.URL + ")"}
		for _, oc := range e.Outcomes {
			lines = append(lines, oc.Relation+": "+oc.Title+" ("+oc.URL+")")
		}
		if o.Explanation != "" {
			lines = append(lines, "Why: "+o.Explanation)
		}
		f.Entries = append(f.Entries, atomEntry{
			Title:   e.Event.Summary + ": " + o.Relation,
			ID:      "tag:storyline,2017:event-" + strconv.FormatInt(e.Event.ID, 10),
			Updated: e.Resolved.UTC().Format(time.RFC3339),
			Links:   []atomLink{{Href: o.URL, Rel: "alternate"}, {Href: e.Anticipation.URL, Rel: "related"}},
			Summary: strings.Join(lines, "\n"),
		})
	}
	if r.URL.Query().Get("topic") == "" {
		digests, err := s.o.DB.RecentDigests(r.Context(), now.Add(-reach), 50)
		if err != nil {
			s.fail(w, err)
			return
		}
		for _, d := range digests {
			f.Entries = append(f.Entries, atomEntry{
				Title:   "Digest: " + d.Subject,
				ID:      "tag:storyline,2017:digest-" + d.Key,
				Updated: d.Created.UTC().Format(time.RFC3339),
				Links:   []atomLink{{Href: "/", Rel: "alternate"}},
				Summary: d.Text,
			})
			if u := d.Created.UTC().Format(time.RFC3339); u > f.Updated {
				f.Updated = u
			}
		}
		slices.SortStableFunc(f.Entries, func(a, b atomEntry) int { return strings.Compare(b.Updated, a.Updated) })
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.fail(w, err)
		return
	}
	s.send(w, r, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}
