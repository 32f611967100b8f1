package main

import (
	"context"

	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/watcher"
)

// pipeline builds the processing pipeline on the configured database, once.
func (a *app) pipeline(ctx context.Context) (*pipeline.Pipeline, error) {
	if a.pipe != nil {
		return a.pipe, nil
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	p, err := daemon.NewPipeline(a.cfg, db, a.topics, a.trace, a.log, a.now)
	if err != nil {
		return nil, err
	}
	a.pipe = p
	return p, nil
}

// watcher builds the fetcher and watcher from the config.
func (a *app) watcher(ctx context.Context) (*watcher.Watcher, error) {
	p, err := a.pipeline(ctx)
	if err != nil {
		return nil, err
	}
	return daemon.NewWatcher(a.cfg, a.db, p, a.log, a.now), nil
}
