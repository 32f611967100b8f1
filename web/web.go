// Package web serves storyline's read-only views of its database: a page
// of what the news expects and what became of it, a page per event, an
// iCalendar feed of expected events and an Atom feed of follow-ups. The
// daemon mounts it on status.listen.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/storage"
)

//go:embed templates/*
var files embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"date":      func(t time.Time) string { return t.Format("Mon 2 Jan 2006") },
	"countdown": countdown,
	"took":      took,
}).ParseFS(files, "templates/*.tmpl"))

// Options configure the views.
type Options struct {
	DB       *storage.DB
	Followup followup.Options // for each event's status
	Now      func() time.Time
	Log      *slog.Logger
	// Token, when set, must come with every request (Authorization:
	// Bearer TOKEN, or ?token= for calendar clients that set no header).
	Token string
}

// New returns the handler of the views.
func New(o Options) http.Handler {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &server{o: o}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /events/{id}", s.event)
	mux.HandleFunc("GET /storylines/{id}", s.storyline)
	mux.HandleFunc("GET /calendar.ics", s.calendar)
	mux.HandleFunc("GET /feed.atom", s.atom)
	mux.HandleFunc("GET /style.css", s.style)
	return s.guard(mux)
}

type server struct{ o Options }

// guard adds the security headers and checks the token.
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// No script at all, styles from here only: feed text is hostile.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if s.o.Token != "" && !s.authorized(r) {
			h.Set("WWW-Authenticate", `Bearer realm="storyline"`)
			http.Error(w, "a token is needed (Authorization: Bearer TOKEN, or ?token=TOKEN)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *server) authorized(r *http.Request) bool { return authorized(r, s.o.Token) }

func authorized(r *http.Request, token string) bool {
	got := r.URL.Query().Get("token")
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		got = auth
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// RequireToken lets through the requests that carry token (as the views
// take it); "" lets every request through. The daemon puts /metrics
// behind it: a scraper sends the token as a bearer token.
func RequireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r, token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="storyline"`)
			http.Error(w, "a token is needed (Authorization: Bearer TOKEN)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// event is one anticipated event as the views show it.
type event struct {
	followup.ThreadView
	Expected  time.Time // zero without a date
	Announced time.Time
	Resolved  time.Time // the first outcome's publication, zero if none
	Timeline  template.HTML
}

// reach is how far back the views read events: what is upcoming, the
// follow-ups of the last weeks, what turned overdue lately; not the years.
const reach = 60 * 24 * time.Hour

// events reads the events f selects and their status at now, keeping those
// whose stories match the request's filter.
func (s *server) events(ctx context.Context, r *http.Request, now time.Time, f storage.ThreadFilter) ([]event, error) {
	threads, err := s.o.DB.Threads(ctx, f)
	if err != nil {
		return nil, err
	}
	keep, err := s.filter(ctx, r)
	if err != nil {
		return nil, err
	}
	var out []event
	for _, v := range followup.Threads(threads, s.o.Followup, now) {
		if keep != nil && !keep[v.Anticipation.ID] && !slices.ContainsFunc(v.Outcomes, func(o followup.OutcomeView) bool { return keep[o.ID] }) {
			continue
		}
		e := event{ThreadView: v}
		e.Announced, _ = time.Parse(time.RFC3339, v.Anticipation.Published)
		if v.Event.Expected != nil {
			e.Expected, _ = time.Parse(time.DateOnly, *v.Event.Expected)
		}
		if len(v.Outcomes) > 0 {
			e.Resolved, _ = time.Parse(time.RFC3339, v.Outcomes[0].Published)
		}
		out = append(out, e)
	}
	return out, nil
}

// filter returns the stories ?topic= and ?q= allow (nil: all).
func (s *server) filter(ctx context.Context, r *http.Request) (map[int64]bool, error) {
	topic, q := r.URL.Query().Get("topic"), strings.TrimSpace(r.URL.Query().Get("q"))
	if topic == "" && q == "" {
		return nil, nil
	}
	keep := map[int64]bool{}
	if topic != "" {
		ids, err := s.o.DB.TopicStoryIDs(ctx, topic, time.Time{}, 0)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			keep[id] = true
		}
	}
	if q != "" {
		found := map[int64]bool{}
		err := s.o.DB.SearchStories(ctx, storyline.StorySearch{Match: ftsWords(q)}, func(st *storyline.Story, _ int) error {
			if topic == "" || keep[st.ID] {
				found[st.ID] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		keep = found
	}
	return keep, nil
}

// ftsWords makes an FTS5 query of a search box's words: each a quoted
// string, all required, so that no character of it is FTS5 syntax.
func ftsWords(q string) string {
	var parts []string
	for _, w := range strings.Fields(q) {
		parts = append(parts, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	return strings.Join(parts, " ")
}

type indexPage struct {
	Now                          time.Time
	Topic, Query                 string
	Upcoming, FollowUps, Overdue []event
	Undated                      []event
	Storylines                   []storage.Storyline
	Timeline                     template.HTML
	More                         map[string]int // events left out of each section
}

// shown bounds each section of the page: the soonest, the latest; the
// calendar and the feed carry every event.
const shown = 100

func (s *server) index(w http.ResponseWriter, r *http.Request) {
	now := s.o.Now()
	f := storage.ThreadFilter{Since: now.Add(-reach)}
	if r.URL.Query().Get("topic") == "" && r.URL.Query().Get("q") == "" {
		// Only the events the sections can show, not every event in reach.
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		ids, err := s.o.DB.ViewSections(r.Context(), f.Since, today, shown+1)
		if err != nil {
			s.fail(w, err)
			return
		}
		f.IDs = nonNil(ids)
	}
	evs, err := s.events(r.Context(), r, now, f)
	if err != nil {
		s.fail(w, err)
		return
	}
	p := indexPage{Now: now, Topic: r.URL.Query().Get("topic"), Query: r.URL.Query().Get("q")}
	for _, e := range evs {
		switch {
		case e.Status == string(storyline.StatusOverdue):
			p.Overdue = append(p.Overdue, e)
		case e.Status == string(storyline.Pending) && e.Expected.IsZero():
			p.Undated = append(p.Undated, e)
		case e.Status == string(storyline.Pending):
			p.Upcoming = append(p.Upcoming, e)
		case now.Sub(e.Resolved) <= 30*24*time.Hour:
			p.FollowUps = append(p.FollowUps, e)
		}
	}
	slices.SortStableFunc(p.Upcoming, func(a, b event) int { return a.Expected.Compare(b.Expected) })
	slices.SortStableFunc(p.FollowUps, func(a, b event) int { return b.Resolved.Compare(a.Resolved) })
	slices.SortStableFunc(p.Overdue, func(a, b event) int { return b.Expected.Compare(a.Expected) })
	p.Timeline = overview(p.Upcoming, now)
	p.More = map[string]int{}
	for name, sec := range map[string]*[]event{"upcoming": &p.Upcoming, "undated": &p.Undated, "followups": &p.FollowUps, "overdue": &p.Overdue} {
		if n := len(*sec); n > shown {
			p.More[name], *sec = n-shown, (*sec)[:shown]
		}
		for i := range *sec {
			(*sec)[i].Timeline = timeline((*sec)[i], now) // only for what is shown
		}
	}
	if p.Topic == "" && p.Query == "" {
		if p.Storylines, err = s.o.DB.Storylines(r.Context(), now.Add(-7*24*time.Hour), 20); err != nil {
			s.fail(w, err)
			return
		}
	}
	s.render(w, r, "index.html.tmpl", "text/html; charset=utf-8", p)
}

// storyline shows the stories of one same-story cluster.
func (s *server) storyline(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	l, ok, err := s.o.DB.StorylineByID(r.Context(), id)
	if err != nil {
		s.fail(w, err)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	stories, err := s.o.DB.StorylineStories(r.Context(), id)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, "storyline.html.tmpl", "text/html; charset=utf-8", struct {
		storage.Storyline
		List []storyline.Story
	}{l, stories})
}

func (s *server) event(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	now := s.o.Now()
	evs, err := s.events(r.Context(), r, now, storage.ThreadFilter{ID: id})
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, e := range evs {
		if e.Event.ID == id {
			e.Timeline = timeline(e, now)
			s.render(w, r, "event.html.tmpl", "text/html; charset=utf-8", struct {
				Now time.Time
				event
			}{now, e})
			return
		}
	}
	http.NotFound(w, r)
}

func (s *server) style(w http.ResponseWriter, r *http.Request) {
	b, _ := files.ReadFile("templates/style.css")
	s.send(w, r, "text/css; charset=utf-8", b)
}

// render executes a template and sends it with an ETag.
func (s *server) render(w http.ResponseWriter, r *http.Request, name, contentType string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.fail(w, err)
		return
	}
	s.send(w, r, contentType, b.Bytes())
}

// send answers with body, or 304 when the client holds it already: a
// reload costs one render and no transfer.
func (s *server) send(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Write(body)
}

func (s *server) fail(w http.ResponseWriter, err error) {
	s.o.Log.Error("web view", "err", err)
	http.Error(w, "storyline could not read its database; see its log", http.StatusInternalServerError)
}

// countdown says how far a date is from now, in days.
func countdown(t, now time.Time) string {
	days := int(t.Sub(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case days == 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days > 1:
		return fmt.Sprintf("in %d days", days)
	case days == -1:
		return "yesterday"
	}
	return fmt.Sprintf("%d days ago", -days)
}

// took says how long after its announcement an event's outcome came.
func took(e event) string {
	if e.Resolved.IsZero() || e.Announced.IsZero() {
		return ""
	}
	d := e.Resolved.Sub(e.Announced)
	if d < 48*time.Hour {
		return fmt.Sprintf("%.0f hours later", d.Hours())
	}
	return fmt.Sprintf("%.0f days later", d.Hours()/24)
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
