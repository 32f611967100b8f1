package main

import (
	"context"
	"fmt"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/watcher"
)

// pipelineDB lets *storage.DB serve the pipeline, whose transactions are
// typed by the interface it declares.
type pipelineDB struct{ db *storage.DB }

func (p pipelineDB) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	return p.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

// pipeline builds the processing pipeline on the configured database, once.
func (a *app) pipeline(ctx context.Context) (*pipeline.Pipeline, error) {
	if a.pipe != nil {
		return a.pipe, nil
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	idx, err := dedupe.New(dedupe.DefaultConfig(), a.log, a.now)
	if err != nil {
		return nil, err
	}
	linker := followup.NewLinker(a.followupOptions(), a.log)
	linker.SetTrace(a.trace)
	a.pipe = pipeline.New(pipelineDB{db}, pipeline.Stages{Dedupe: idx, Followup: linker}, a.log)
	a.pipe.SetTopics(a.topics)
	return a.pipe, nil
}

// watcher builds the fetcher and watcher from the config.
func (a *app) watcher(ctx context.Context) (*watcher.Watcher, error) {
	p, err := a.pipeline(ctx)
	if err != nil {
		return nil, err
	}
	return newWatcher(a.cfg, a.db, p, a), nil
}

func newWatcher(cfg *config.Config, db *storage.DB, p *pipeline.Pipeline, a *app) *watcher.Watcher {
	f := watcher.NewFetcher(watcher.FetchOptions{
		Timeout:        cfg.Fetch.Timeout,
		MaxBody:        cfg.Fetch.MaxBody,
		UserAgent:      cfg.Fetch.UserAgent,
		AllowPrivate:   cfg.Fetch.AllowPrivate,
		AllowLinkLocal: cfg.Fetch.AllowLinkLocal,
	})
	return watcher.New(f, db, p, watcherOptions(cfg), a.log, a.now)
}

func watcherOptions(cfg *config.Config) watcher.Options {
	return watcher.Options{
		Workers:         cfg.Fetch.Workers,
		PerHost:         cfg.Fetch.PerHost,
		DefaultInterval: cfg.Fetch.DefaultInterval,
		MinInterval:     cfg.Fetch.MinInterval,
		MaxInterval:     cfg.Fetch.MaxInterval,
		MaxBackoff:      cfg.Fetch.MaxBackoff,
	}
}

// watchedFeeds turns the configured feeds into the watcher's, with parsed
// schedules. The config was validated, so a bad schedule here is a bug.
func watchedFeeds(cfg *config.Config) ([]watcher.Feed, error) {
	out := make([]watcher.Feed, 0, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		wf := watcher.Feed{Name: f.Name, URL: f.URL, Spec: f.Schedule, UserAgent: f.UserAgent, Timeout: f.Timeout}
		if f.Schedule != "" {
			s, err := config.ParseSchedule(f.Schedule)
			if err != nil {
				return nil, fmt.Errorf("feed %s: %w", f.Name, err)
			}
			wf.Schedule = s
		}
		out = append(out, wf)
	}
	return out, nil
}

// followupOptions are the linker's defaults with the configured grace.
func (a *app) followupOptions() followup.Options {
	o := followup.DefaultOptions()
	if a.cfg == nil {
		return o
	}
	if f := a.cfg.Followup; f.Grace > 0 {
		o.Grace = f.Grace
	}
	if f := a.cfg.Followup; f.Threshold > 0 {
		o.Threshold = f.Threshold
	}
	if f := a.cfg.Followup; f.Merge > 0 {
		o.Merge = f.Merge
	}
	if f := a.cfg.Followup; f.Horizon > 0 {
		o.Undated = f.Horizon
	}
	return o
}
