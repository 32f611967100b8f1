// Package demo serves storyline's built-in sample feeds on loopback: three
// small outlets whose stories (written for this project, about invented
// people and places) exercise the whole pipeline: an anticipated meeting and
// the later report that it happened, a pending vote, a wire story carried
// by a second outlet, and unrelated news.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"text/template"
	"time"
)

//go:embed feeds/*.xml
var feedFiles embed.FS

var feeds = template.Must(template.New("").Funcs(template.FuncMap{
	"rfc1123": func(t time.Time) string { return t.Format(time.RFC1123Z) },
	"weekday": func(t time.Time) string { return t.Weekday().String() },
}).ParseFS(feedFiles, "feeds/*.xml"))

// Names are the demo feeds, as served at /NAME.xml.
var Names = []string{"harbor-wire", "valley-gazette", "tech-daily"}

// Server serves the demo feeds. Round 1 is what the outlets had published
// when storyline first polls them; Advance publishes round 2, two days
// after the anticipation story.
type Server struct {
	srv   *http.Server
	ln    net.Listener
	now   time.Time
	mu    sync.Mutex
	round int
	done  chan error
}

// Start listens on a free 127.0.0.1 port. Story times are placed relative
// to now so that the demo reads the same whenever it runs.
func Start(now time.Time) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen: %w", err)
	}
	s := &Server{ln: ln, now: now.UTC().Truncate(time.Minute), round: 1, done: make(chan error, 1)}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// URL returns the address of a demo feed.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("http://%s/%s.xml", s.ln.Addr(), name)
}

// Advance publishes the next round of stories.
func (s *Server) Advance() {
	s.mu.Lock()
	s.round++
	s.mu.Unlock()
}

// Close stops the server and waits for it.
func (s *Server) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// data is what the feed templates see.
type data struct {
	Round int
	Base  string
	// Times of the stories, relative to the demo's start.
	Announce, Meeting, Outcome, Vote, Storm, Library, Chip, Robotics time.Time
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	round := s.round
	s.mu.Unlock()
	name := r.URL.Path[1:]
	if len(name) < 5 || name[len(name)-4:] != ".xml" || feeds.Lookup(name) == nil {
		http.NotFound(w, r)
		return
	}
	now := s.now
	d := data{
		Round: round, Base: "http://" + s.ln.Addr().String(),
		Announce: now.Add(-50 * time.Hour), Meeting: now.Add(-26 * time.Hour), Outcome: now.Add(-3 * time.Hour),
		Vote: now.Add(-20 * time.Hour), Storm: now.Add(-5 * time.Hour), Library: now.Add(-30 * time.Hour),
		Chip: now.Add(-40 * time.Hour), Robotics: now.Add(-45 * time.Hour),
	}
	var body bytes.Buffer
	if err := feeds.ExecuteTemplate(&body, name, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body.Bytes())
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(body.Bytes())
}
