package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/dedupe"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/notify"
	"github.com/storyline/storyline/notify/email"
	"github.com/storyline/storyline/notify/webhook"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
	"github.com/storyline/storyline/watcher"
)

// The parts a daemon (and the one-shot commands) are assembled from, each
// built from a config.

// pipelineDB lets *storage.DB serve the pipeline, whose transactions are
// typed by the interface it declares.
type pipelineDB struct{ db *storage.DB }

func (p pipelineDB) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	return p.db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
}

// NewPipeline builds the processing pipeline on db: dedupe, then follow-up
// linking (trace, when not nil, sees every candidate weighed), then the
// topics.
func NewPipeline(cfg *config.Config, db *storage.DB, topics *topic.Set, trace func(followup.Candidate), log *slog.Logger, now func() time.Time) (*pipeline.Pipeline, error) {
	idx, err := dedupe.New(dedupe.DefaultConfig(), log, now)
	if err != nil {
		return nil, err
	}
	linker := followup.NewLinker(FollowupOptions(cfg), log)
	linker.SetTrace(trace)
	p := pipeline.New(pipelineDB{db}, pipeline.Stages{Dedupe: idx, Followup: linker}, log)
	p.SetTopics(topics)
	return p, nil
}

// NewWatcher builds the fetcher and the watcher that polls into p.
func NewWatcher(cfg *config.Config, db *storage.DB, p *pipeline.Pipeline, log *slog.Logger, now func() time.Time) *watcher.Watcher {
	f := watcher.NewFetcher(watcher.FetchOptions{
		Timeout:        cfg.Fetch.Timeout,
		MaxBody:        cfg.Fetch.MaxBody,
		UserAgent:      cfg.Fetch.UserAgent,
		AllowPrivate:   cfg.Fetch.AllowPrivate,
		AllowLinkLocal: cfg.Fetch.AllowLinkLocal,
	})
	return watcher.New(f, db, p, WatcherOptions(cfg), log, now)
}

// WatcherOptions are the watcher's settings of cfg.
func WatcherOptions(cfg *config.Config) watcher.Options {
	return watcher.Options{
		Workers:         cfg.Fetch.Workers,
		PerHost:         cfg.Fetch.PerHost,
		DefaultInterval: cfg.Fetch.DefaultInterval,
		MinInterval:     cfg.Fetch.MinInterval,
		MaxInterval:     cfg.Fetch.MaxInterval,
		MaxBackoff:      cfg.Fetch.MaxBackoff,
	}
}

// Feeds turns the configured feeds into the watcher's, with parsed
// schedules. The config was validated, so a bad schedule here is a bug.
func Feeds(cfg *config.Config) ([]watcher.Feed, error) {
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

// FollowupOptions are the linker's defaults with what cfg sets.
func FollowupOptions(cfg *config.Config) followup.Options {
	o := followup.DefaultOptions()
	if cfg == nil {
		return o
	}
	f := cfg.Followup
	if f.Grace > 0 {
		o.Grace = f.Grace
	}
	if f.Threshold > 0 {
		o.Threshold = f.Threshold
	}
	if f.Merge > 0 {
		o.Merge = f.Merge
	}
	if f.Horizon > 0 {
		o.Undated = f.Horizon
	}
	return o
}

// CompileTopics compiles the config's topics into the set the pipeline
// matches new stories against. Config validation has parsed every query,
// so an error here names a topic but no line.
func CompileTopics(cfg *config.Config) (*topic.Set, error) {
	topics := make([]*topic.Topic, 0, len(cfg.Topics))
	for _, t := range cfg.Topics {
		tp, err := topic.Compile(t.Name, t.Query, TopicOptions(t))
		if err != nil {
			return nil, err
		}
		topics = append(topics, tp)
	}
	return topic.NewSet(topics...), nil
}

// TopicOptions are a configured topic's options.
func TopicOptions(t config.Topic) topic.Options {
	return topic.Options{Feeds: t.Feeds, Exclude: t.Exclude, MinSources: t.MinSources, Priority: t.Priority}
}

// Notifier is the digest machinery built from a config.
type Notifier struct {
	Digester  *notify.Digester
	Deliverer *notify.Deliverer
}

// digestUpdate lets *storage.DB serve the digester, whose transactions are
// typed by the interface it declares.
func digestUpdate(db *storage.DB) func(context.Context, func(notify.Tx) error) error {
	return func(ctx context.Context, fn func(notify.Tx) error) error {
		return db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
	}
}

// NewNotifier builds the digests and the senders cfg configures.
func NewNotifier(cfg *config.Config, db *storage.DB, log *slog.Logger, now func() time.Time) (*Notifier, error) {
	specs := make([]notify.Spec, 0, len(cfg.Digests))
	for _, d := range cfg.Digests {
		specs = append(specs, notify.Spec{
			Name: d.Name, Subject: d.Subject, Topics: d.Topics, To: d.To, MaxStories: d.MaxStories, SendEmpty: d.SendEmpty,
			Upcoming: cfg.Followup.Upcoming, Grace: cfg.Followup.Grace, AlertAfter: cfg.Fetch.AlertAfter,
			Location: digestLocation(d.Timezone),
		})
	}
	// Feeds dropped from the config stay stored but are no one's concern.
	feeds := make([]string, 0, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		feeds = append(feeds, f.Name)
	}
	senders := map[string]notify.Sender{}
	domain := ""
	if e := cfg.Notify.Email; e != nil {
		s, err := email.New(email.Config{Host: e.Host, Port: e.Port, TLS: e.TLS, Username: e.Username,
			Password: e.Password.Value(), From: e.From})
		if err != nil {
			return nil, err
		}
		senders[config.RecipientEmail] = s
		domain = email.Domain(e.From)
	}
	if len(cfg.Notify.Webhooks) > 0 {
		hooks := make(map[string]webhook.Hook, len(cfg.Notify.Webhooks))
		for name, w := range cfg.Notify.Webhooks {
			hooks[name] = webhook.Hook{URL: w.URL, Format: w.Format, Secret: w.Secret.Value()}
		}
		senders[config.RecipientWebhook] = &webhook.Sender{Hooks: hooks, Now: now, UserAgent: cfg.Fetch.UserAgent}
	}
	return &Notifier{
		Digester: &notify.Digester{Update: digestUpdate(db), Specs: specs, Feeds: feeds, Domain: domain, Now: now, Log: log},
		Deliverer: &notify.Deliverer{Outbox: db, Senders: senders, Now: now, Log: log,
			Policy: notify.Policy{MaxAttempts: cfg.Notify.Retry.MaxAttempts, MaxAge: cfg.Notify.Retry.MaxAge}},
	}, nil
}

// digestLocation is a digest's zone (validated by config.Load); UTC when
// it sets none.
func digestLocation(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
