package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
)

// app is what every command gets: the loaded config, a lazily opened
// database, output streams, a logger and the clock.
type app struct {
	cfgPath string
	cfg     *config.Config // nil until loadConfig
	stdout  io.Writer
	stderr  io.Writer
	log     *slog.Logger
	now     func() time.Time
	getenv  func(string) string
	db      *storage.DB // nil until openDB
	topics  *topic.Set  // compiled from cfg by loadConfig
	pipe    *pipeline.Pipeline
	trace   func(followup.Candidate) // follow-up candidates, for ingest --trace
	reloads chan os.Signal           // run's reload requests: SIGHUP unless a test sets it
}

// zone is where the command line shows times (display.timezone; the
// machine's zone by default). JSON output stays UTC.
func (a *app) zone() *time.Location {
	if a.cfg == nil {
		return time.Local
	}
	return a.cfg.Display.Location()
}

// openDB opens the configured database once; main closes it on exit.
func (a *app) openDB(ctx context.Context) (*storage.DB, error) {
	if a.db != nil {
		return a.db, nil
	}
	if a.cfg == nil {
		return nil, fmt.Errorf("no config loaded")
	}
	db, err := storage.Open(ctx, a.cfg.Storage.Path)
	if err != nil {
		return nil, err
	}
	a.db = db
	return db, nil
}
