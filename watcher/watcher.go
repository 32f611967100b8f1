// Package watcher schedules and performs feed polls: one cron entry per
// feed, a bounded worker pool, a per-host concurrency limit, conditional
// fetches, and per-feed backoff. Parsed items go to the pipeline.
package watcher

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/pipeline"
)

// Feed is one feed to watch.
type Feed struct {
	Name      string
	URL       string
	Spec      string        // the cron expression as configured; "" for the default
	Schedule  cron.Schedule // parsed Spec; nil: the default interval with a per-feed jitter
	UserAgent string
	Timeout   time.Duration
}

// Options tune polling.
type Options struct {
	Workers         int           // polls in flight at once
	PerHost         int           // polls in flight per host
	DefaultInterval time.Duration // for feeds without a schedule
	MinInterval     time.Duration // clamps for server hints (TTL, max-age, Retry-After)
	MaxInterval     time.Duration
	MaxBackoff      time.Duration
}

// States reads stored fetch state.
type States interface {
	FeedState(ctx context.Context, name string) (storyline.FeedState, error)
}

// Sink stores polls: pipeline.Pipeline.
type Sink interface {
	Store(ctx context.Context, poll pipeline.Poll) (pipeline.Stats, error)
	SaveState(ctx context.Context, st storyline.FeedState) error
}

// Watcher polls feeds.
type Watcher struct {
	fetch  *Fetcher
	states States
	sink   Sink
	opts   Options
	log    *slog.Logger
	now    func() time.Time
	// Observe, when set, is told about every poll (metrics).
	Observe func(Result)

	workers chan struct{}
	mu      sync.Mutex
	hosts   map[string]chan struct{}
	running map[string]bool // feeds being polled: a feed never overlaps itself
	// saved is the state this watcher last stored for each feed, so that a
	// poll (most are 304s) need not read it back from the database.
	saved map[string]storyline.FeedState
}

// New returns a watcher.
func New(f *Fetcher, states States, sink Sink, opts Options, log *slog.Logger, now func() time.Time) *Watcher {
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 2
	}
	return &Watcher{
		fetch: f, states: states, sink: sink, opts: opts, log: log, now: now,
		workers: make(chan struct{}, opts.Workers),
		hosts:   make(map[string]chan struct{}),
		running: make(map[string]bool),
		saved:   make(map[string]storyline.FeedState),
	}
}

// state returns the feed's stored state, from memory when this watcher
// stored it last.
func (w *Watcher) state(ctx context.Context, name string) (storyline.FeedState, error) {
	w.mu.Lock()
	st, ok := w.saved[name]
	w.mu.Unlock()
	if ok {
		return st, nil
	}
	return w.states.FeedState(ctx, name)
}

// remember records what was stored for a feed (or forgets it when the
// store failed, so that the next poll reads the database).
func (w *Watcher) remember(st storyline.FeedState, err error) error {
	w.mu.Lock()
	if err == nil {
		w.saved[st.Name] = st
	} else {
		delete(w.saved, st.Name)
	}
	w.mu.Unlock()
	return err
}

// Result is the outcome of one poll.
type Result struct {
	Feed        string
	Skipped     string // why no fetch was made ("not due", "already running"), else ""
	Status      int
	NotModified bool
	Bytes       int
	Duration    time.Duration
	Stats       pipeline.Stats
	Err         error // the fetch or parse failure, also stored in the feed's state
	NextCheck   time.Time
	// StoreErr is the storage failure that lost the poll's stories or
	// state (also Poll's error): such a poll is no success.
	StoreErr error
}

// ErrRunning is returned when a poll of the same feed is still in flight.
var ErrRunning = errors.New("a poll of this feed is already running")

// Poll fetches one feed now and stores what it brings. Unless force is set,
// a feed whose next check (from backoff or server hints) is still ahead is
// skipped. The returned error is for storage failures only: a feed that
// fails to fetch or parse is recorded in its state and reported in Result.Err.
func (w *Watcher) Poll(ctx context.Context, f Feed, force bool) (Result, error) {
	res := Result{Feed: f.Name}
	if !w.begin(f.Name) {
		res.Skipped = "already running"
		return res, nil
	}
	defer w.end(f.Name)

	st, err := w.state(ctx, f.Name)
	if err != nil {
		return res, err
	}
	if !force && w.now().Before(st.NextCheck) {
		res.Skipped, res.NextCheck = "not due", st.NextCheck
		return res, nil
	}
	release, err := w.acquire(ctx, f.URL)
	if err != nil {
		return res, err
	}
	defer release()

	start := w.now()
	req := Request{URL: f.URL, UserAgent: f.UserAgent, Timeout: f.Timeout}
	if st.URL == f.URL { // validators belong to the URL they came from
		req.ETag, req.LastModified = st.ETag, st.LastModified
	}
	resp, fetchErr := w.fetch.Fetch(ctx, req, start)
	if ctx.Err() != nil {
		return res, ctx.Err() // shutting down: record nothing
	}
	now := w.now()
	res.Duration = now.Sub(start)
	backlog := st.Polls == 0
	st.Name, st.URL, st.LastFetch = f.Name, f.URL, now
	if resp != nil {
		res.Status, st.LastStatus = resp.Status, resp.Status
	} else {
		st.LastStatus = 0
	}

	var parsed *feedparse.Feed
	if fetchErr == nil && !resp.NotModified {
		res.Bytes = len(resp.Body)
		parsed, fetchErr = feedparse.Parse(resp.Body, resp.ContentType, resp.URL)
	}
	if fetchErr != nil {
		res.Err = fetchErr
		st.Failures++
		st.LastError = fetchErr.Error()
		st.NextCheck = now.Add(w.backoff(st.Failures, fetchErr))
		res.NextCheck = st.NextCheck
		return w.stored(res, st, w.sink.SaveState(ctx, st))
	}

	st.Polls++
	st.Failures, st.LastError, st.LastSuccess = 0, "", now
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	var ttl time.Duration
	if parsed != nil {
		st.Title, ttl = parsed.Title, parsed.TTL
	}
	st.NextCheck = w.nextCheck(now, max(ttl, resp.MaxAge))
	res.NextCheck = st.NextCheck
	if resp.NotModified {
		res.NotModified = true
		return w.stored(res, st, w.sink.SaveState(ctx, st))
	}
	items := parsed.Items
	if len(items) > MaxItemsPerPoll {
		w.log.Warn("feed has too many items; keeping the newest", "feed", f.Name, "items", len(items), "kept", MaxItemsPerPoll)
		items = newest(items, MaxItemsPerPoll)
	}
	res.Stats, err = w.sink.Store(ctx, pipeline.Poll{State: st, Items: items, Backlog: backlog, At: now})
	return w.stored(res, st, err)
}

// stored finishes a poll once its writes returned err: it is observed (a
// poll whose writes failed counts as no success) and its state kept.
func (w *Watcher) stored(res Result, st storyline.FeedState, err error) (Result, error) {
	res.StoreErr = err
	w.observe(res)
	return res, w.remember(st, err)
}

// MaxItemsPerPoll bounds what one poll stores: real feeds carry tens or
// hundreds of items, and a feed with 50,000 is a mistake or an attack.
const MaxItemsPerPoll = 1000

// newest keeps the n most recent items (dated ones by date, then the
// feed's order, which lists newest first).
func newest(items []storyline.Item, n int) []storyline.Item {
	out := append([]storyline.Item(nil), items...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out[:n]
}

// Close releases the fetcher's idle connections.
func (w *Watcher) Close() { w.fetch.Close() }

func (w *Watcher) observe(r Result) {
	if w.Observe != nil {
		w.Observe(r)
	}
}

// nextCheck honours a server's hint (RSS ttl, Cache-Control max-age) within
// the configured bounds; with no hint the schedule alone decides.
func (w *Watcher) nextCheck(now time.Time, hint time.Duration) time.Time {
	if hint <= 0 {
		return time.Time{}
	}
	return now.Add(clamp(hint, w.opts.MinInterval, w.opts.MaxInterval))
}

// backoff doubles from the minimum interval with each consecutive failure,
// up to MaxBackoff; a Retry-After longer than that wins, within MaxInterval.
func (w *Watcher) backoff(failures int, err error) time.Duration {
	base := max(w.opts.MinInterval, time.Minute)
	d := time.Duration(float64(base) * math.Pow(2, float64(min(failures-1, 30))))
	d = min(d, max(w.opts.MaxBackoff, base))
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > d {
		d = clamp(se.RetryAfter, w.opts.MinInterval, w.opts.MaxInterval)
	}
	return d
}

func clamp(d, lo, hi time.Duration) time.Duration {
	if lo > 0 && d < lo {
		d = lo
	}
	if hi > 0 && d > hi {
		d = hi
	}
	return d
}

func (w *Watcher) begin(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running[name] {
		return false
	}
	w.running[name] = true
	return true
}

func (w *Watcher) end(name string) {
	w.mu.Lock()
	delete(w.running, name)
	w.mu.Unlock()
}

// acquire takes a global worker slot and a slot for the URL's host.
func (w *Watcher) acquire(ctx context.Context, rawURL string) (func(), error) {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	w.mu.Lock()
	hs, ok := w.hosts[host]
	if !ok {
		hs = make(chan struct{}, w.opts.PerHost)
		w.hosts[host] = hs
	}
	w.mu.Unlock()
	select {
	case hs <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case w.workers <- struct{}{}:
	case <-ctx.Done():
		<-hs
		return nil, ctx.Err()
	}
	return func() { <-w.workers; <-hs }, nil
}

// PollAll polls the given feeds concurrently (bounded by the worker pool)
// and returns their results in the order given.
func (w *Watcher) PollAll(ctx context.Context, feeds []Feed, force bool) ([]Result, error) {
	return w.PollEach(ctx, feeds, force, nil)
}

// PollEach is PollAll calling done (when not nil) with each feed's result
// as it finishes, one call at a time: a command prints as it goes.
func (w *Watcher) PollEach(ctx context.Context, feeds []Feed, force bool, done func(Result, error)) ([]Result, error) {
	results := make([]Result, len(feeds))
	errs := make([]error, len(feeds))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, f := range feeds {
		wg.Go(func() {
			results[i], errs[i] = w.Poll(ctx, f, force)
			if done != nil {
				mu.Lock()
				defer mu.Unlock()
				done(results[i], errs[i])
			}
		})
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// Due reports whether a feed should be polled at start: never polled, or its
// next check (or, without one, its schedule since the last fetch) has passed.
func (w *Watcher) Due(f Feed, st storyline.FeedState, now time.Time) bool {
	next := w.opts.NextDue(f, st)
	return next.IsZero() || !now.Before(next)
}

// NextDue is when feed f is next polled, given its stored state: the time
// backoff or a server's hint (Retry-After, max-age, ttl) set, else its
// schedule's next run after the last fetch; zero when it never was.
func (o Options) NextDue(f Feed, st storyline.FeedState) time.Time {
	switch {
	case st.LastFetch.IsZero():
		return time.Time{}
	case !st.NextCheck.IsZero():
		return st.NextCheck
	}
	return o.ScheduleFor(f).Next(st.LastFetch)
}

func (w *Watcher) schedule(f Feed) cron.Schedule { return w.opts.ScheduleFor(f) }

// ScheduleFor is the feed's own schedule, or the default interval shifted by
// a per-feed offset so that feeds without a schedule do not all fire at once.
func (o Options) ScheduleFor(f Feed) cron.Schedule {
	if f.Schedule != nil {
		return f.Schedule
	}
	every := o.DefaultInterval
	if every <= 0 {
		every = 30 * time.Minute
	}
	h := fnv.New64a()
	h.Write([]byte(f.Name))
	return jitterSchedule{every: every, offset: time.Duration(h.Sum64() % uint64(every))}
}

type jitterSchedule struct{ every, offset time.Duration }

func (s jitterSchedule) Next(t time.Time) time.Time {
	next := t.Truncate(s.every).Add(s.offset)
	for !next.After(t) {
		next = next.Add(s.every)
	}
	return next
}

// Scheduler runs polls on cron schedules.
type Scheduler struct {
	w     *Watcher
	cron  *cron.Cron
	ctx   context.Context
	mu    sync.Mutex
	feeds map[string]scheduled
}

type scheduled struct {
	feed Feed
	id   cron.EntryID
}

// NewScheduler returns a stopped scheduler whose polls run under ctx.
func (w *Watcher) NewScheduler(ctx context.Context) *Scheduler {
	logger := cronLogger{w.log}
	return &Scheduler{
		w:     w,
		cron:  cron.New(cron.WithLogger(logger), cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger))),
		ctx:   ctx,
		feeds: make(map[string]scheduled),
	}
}

// Start starts the cron loop.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and waits for running polls (which end early when
// the scheduler's context is cancelled).
func (s *Scheduler) Stop() { <-s.cron.Stop().Done() }

// Schedule adds or replaces feeds' entries and removes the others. It
// returns the feeds that are new or whose URL changed, for an immediate poll.
func (s *Scheduler) Schedule(feeds []Feed) (added []Feed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := make(map[string]bool, len(feeds))
	for _, f := range feeds {
		keep[f.Name] = true
		old, ok := s.feeds[f.Name]
		if ok && sameFeed(old.feed, f) {
			continue
		}
		if ok {
			s.cron.Remove(old.id)
		}
		if !ok || old.feed.URL != f.URL {
			added = append(added, f)
		}
		id := s.cron.Schedule(s.w.schedule(f), cron.FuncJob(func() { s.run(f) }))
		s.feeds[f.Name] = scheduled{feed: f, id: id}
	}
	for name, old := range s.feeds {
		if !keep[name] {
			s.cron.Remove(old.id)
			delete(s.feeds, name)
		}
	}
	return added
}

func sameFeed(a, b Feed) bool {
	return a.Name == b.Name && a.URL == b.URL && a.UserAgent == b.UserAgent && a.Timeout == b.Timeout &&
		a.Spec == b.Spec
}

// Next returns when each scheduled feed runs next.
func (s *Scheduler) Next() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time, len(s.feeds))
	for name, e := range s.feeds {
		out[name] = s.cron.Entry(e.id).Next
	}
	return out
}

func (s *Scheduler) run(f Feed) {
	if s.ctx.Err() != nil {
		return
	}
	res, err := s.w.Poll(s.ctx, f, false)
	LogResult(s.w.log, res, err)
}

// LogResult writes one line for a poll.
func LogResult(log *slog.Logger, res Result, err error) {
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(res.Err, context.Canceled):
		// Not a poll with nothing new: nothing was stored, the next start
		// polls it again.
		log.Info("poll interrupted by shutdown", "feed", res.Feed)
	case err != nil:
		log.Error("poll failed to store", "feed", res.Feed, "err", err)
	case res.Skipped != "":
		log.Debug("poll skipped", "feed", res.Feed, "reason", res.Skipped)
	case res.Err != nil:
		log.Warn("poll failed", "feed", res.Feed, "status", res.Status, "err", res.Err, "next_check", res.NextCheck)
	default:
		log.Info("polled", "feed", res.Feed, "status", res.Status, "not_modified", res.NotModified,
			"bytes", res.Bytes, "new", res.Stats.New, "updated", res.Stats.Updated, "seen", res.Stats.Seen,
			"duration", res.Duration.Round(time.Millisecond))
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error(fmt.Sprintf("cron: %s", msg), append(kv, "err", err)...)
}
