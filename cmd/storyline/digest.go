package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/internal/status"
	"github.com/storyline/storyline/notify"
	"github.com/storyline/storyline/notify/email"
	"github.com/storyline/storyline/notify/webhook"
	"github.com/storyline/storyline/storage"
)

// digestWait is how long `storyline digest` and `storyline outbox retry`
// keep retrying failed deliveries before they leave them to the daemon.
const digestWait = time.Minute

// foregroundPolicy paces retries while a command waits in the foreground:
// faster than the daemon's, within the same budget.
func foregroundPolicy(p notify.Policy) notify.Policy {
	p.Base, p.Max = 2*time.Second, 15*time.Second
	return p
}

// cmdDigest composes digests now and delivers them before it exits:
// storyline digest [--name N] [--dry-run] [--wait D].
func cmdDigest(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	name := fs.String("name", "", "only this digest (default: every configured digest)")
	dry := fs.Bool("dry-run", false, "print the text version and send nothing (nothing is recorded)")
	wait := fs.Duration("wait", digestWait, "how long to keep retrying failed deliveries before leaving them to the daemon")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	names, err := digestNames(a.cfg, *name)
	if err != nil {
		return err
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	n, err := newNotifier(a.cfg, db, a.log, a.now)
	if err != nil {
		return err
	}
	if *dry {
		for _, name := range names {
			res, err := n.digester.Preview(ctx, name)
			if err != nil {
				return err
			}
			if res.Record == nil {
				fmt.Fprintf(a.stdout, "digest %s: nothing new; it would not be sent\n", name)
				continue
			}
			fmt.Fprint(a.stdout, res.Record.Text)
		}
		return nil
	}

	var keys []string
	for _, name := range names {
		res, err := n.digester.Run(ctx, name)
		if err != nil {
			return err
		}
		if res.Record == nil {
			fmt.Fprintf(a.stdout, "%s: nothing new, nothing sent\n", name)
			continue
		}
		keys = append(keys, res.Record.Key)
		health := ""
		if n := len(res.Digest.FeedHealth); n > 0 {
			health = ", " + plural(n, "feed notice")
		}
		fmt.Fprintf(a.stdout, "%s: %d stories, %d follow-ups%s -> %s\n", name, res.Record.Stories, len(res.Digest.FollowUps), health, res.Record.Key)
	}
	// Deliver everything due, including what an earlier run left behind.
	n.deliverer.Policy = foregroundPolicy(n.deliverer.Policy)
	if err := n.deliverer.Drain(ctx, a.now().Add(*wait)); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	ds, err := db.Deliveries(ctx, storage.DeliveryFilter{DigestKeys: keys})
	if err != nil {
		return err
	}
	return reportDeliveries(a, ds)
}

// reportDeliveries prints one line per delivery and fails unless all were sent.
func reportDeliveries(a *app, ds []storyline.Delivery) error {
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	notSent := 0
	for i := len(ds) - 1; i >= 0; i-- { // oldest first
		d := ds[i]
		line := fmt.Sprintf("  %s\t%s\t%s", d.Recipient, d.Status, plural(d.Attempts, "attempt"))
		switch d.Status {
		case storyline.DeliverySent:
		case storyline.DeliveryPending:
			notSent++
			line += "\tretry " + d.NextAttempt.In(a.zone()).Format(time.DateTime) + ": " + d.LastError
		default:
			notSent++
			line += "\t" + d.LastError
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	if notSent > 0 {
		return fmt.Errorf("%s not sent (pending ones stay in the outbox for the daemon; see storyline outbox)", plural(notSent, "delivery"))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(word, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func digestNames(cfg *config.Config, only string) ([]string, error) {
	if len(cfg.Digests) == 0 {
		return nil, usageError{errors.New("no digests configured")}
	}
	var names []string
	for _, d := range cfg.Digests {
		if only == "" || d.Name == only {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return nil, usageError{fmt.Errorf("no digest named %q", only)}
	}
	return names, nil
}

// cmdOutbox shows and retries deliveries:
// storyline outbox [list] [--status S] [--limit N] [--json] | outbox retry [--wait D] [ID...].
func cmdOutbox(ctx context.Context, a *app, args []string) error {
	sub := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "list":
		return outboxList(ctx, a, args)
	case "retry":
		return outboxRetry(ctx, a, args)
	}
	return usageError{fmt.Errorf("unknown outbox command %q (want list or retry)", sub)}
}

// outboxJSON is one element of `storyline outbox --json`.
type outboxJSON struct {
	ID          int64      `json:"id"`
	Digest      string     `json:"digest"`
	Recipient   string     `json:"recipient"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	Queued      time.Time  `json:"queued"`
	NextAttempt *time.Time `json:"next_attempt"`
	LastAttempt *time.Time `json:"last_attempt"`
	Sent        *time.Time `json:"sent"`
	Error       string     `json:"error"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func outboxList(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("outbox list", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	status := fs.String("status", "", "only pending, sent or dead deliveries")
	limit := fs.Int("limit", 50, "show at most this many, newest first (0 for all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	switch storyline.DeliveryStatus(*status) {
	case "", storyline.DeliveryPending, storyline.DeliverySent, storyline.DeliveryDead:
	default:
		return usageError{fmt.Errorf("--status must be pending, sent or dead, not %q", *status)}
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	ds, err := db.Deliveries(ctx, storage.DeliveryFilter{Status: storyline.DeliveryStatus(*status), Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]outboxJSON, 0, len(ds))
		for _, d := range ds {
			out = append(out, outboxJSON{ID: d.ID, Digest: d.DigestKey, Recipient: d.Recipient, Status: string(d.Status),
				Attempts: d.Attempts, Queued: d.Queued, NextAttempt: timePtr(d.NextAttempt), LastAttempt: timePtr(d.LastAttempt),
				Sent: timePtr(d.Sent), Error: d.LastError})
			if d.Status != storyline.DeliveryPending {
				out[len(out)-1].NextAttempt = nil
			}
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(ds) == 0 {
		fmt.Fprintln(a.stdout, "outbox is empty")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tDIGEST\tRECIPIENT\tATTEMPTS\tWHEN\tERROR")
	for _, d := range ds {
		when := ""
		switch d.Status {
		case storyline.DeliveryPending:
			when = "next " + d.NextAttempt.In(a.zone()).Format(time.DateTime)
		case storyline.DeliverySent:
			when = "sent " + d.Sent.In(a.zone()).Format(time.DateTime)
		case storyline.DeliveryDead:
			when = "last " + d.LastAttempt.In(a.zone()).Format(time.DateTime)
		}
		errText := d.LastError
		if r := []rune(errText); len(r) > 80 {
			errText = string(r[:79]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Status, d.DigestKey, d.Recipient, d.Attempts, when, errText)
	}
	return tw.Flush()
}

func outboxRetry(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("outbox retry", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	wait := fs.Duration("wait", digestWait, "how long to keep retrying before leaving them to the daemon")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	var ids []int64 // nil: every dead delivery
	for _, arg := range fs.Args() {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || id <= 0 {
			return usageError{fmt.Errorf("not a delivery id: %q", arg)}
		}
		ids = append(ids, id)
	}
	db, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	dead, err := db.Deliveries(ctx, storage.DeliveryFilter{Status: storyline.DeliveryDead, IDs: ids})
	if err != nil {
		return err
	}
	if ids != nil && len(dead) < len(ids) {
		// Name the ids asked for that are no dead delivery, and what they are.
		found := map[int64]bool{}
		for _, d := range dead {
			found[d.ID] = true
		}
		var missing []int64
		for _, id := range ids {
			if !found[id] {
				missing = append(missing, id)
			}
		}
		some, err := db.Deliveries(ctx, storage.DeliveryFilter{IDs: missing})
		if err != nil {
			return err
		}
		status := map[int64]storyline.DeliveryStatus{}
		for _, d := range some {
			status[d.ID] = d.Status
		}
		var why []string
		for _, id := range missing {
			if st, ok := status[id]; ok {
				why = append(why, fmt.Sprintf("%d is %s, not dead", id, st))
			} else {
				why = append(why, fmt.Sprintf("no delivery %d", id))
			}
		}
		return fmt.Errorf("nothing re-queued: %s (storyline outbox list shows them)", strings.Join(why, "; "))
	}
	ids = make([]int64, len(dead))
	for i, d := range dead {
		ids[i] = d.ID
	}
	n, err := db.RequeueDead(ctx, ids, a.now())
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "re-queued %s\n", plural(n, "dead delivery"))
	if n == 0 {
		return nil
	}
	nt, err := newNotifier(a.cfg, db, a.log, a.now)
	if err != nil {
		return err
	}
	nt.deliverer.Policy = foregroundPolicy(nt.deliverer.Policy)
	if err := nt.deliverer.Drain(ctx, a.now().Add(*wait)); err != nil {
		return err
	}
	ds, err := db.Deliveries(ctx, storage.DeliveryFilter{IDs: ids})
	if err != nil {
		return err
	}
	return reportDeliveries(a, ds)
}

// notifier is the digest machinery built from a config.
type notifier struct {
	digester  *notify.Digester
	deliverer *notify.Deliverer
}

// digestUpdate lets *storage.DB serve the digester, whose transactions are
// typed by the interface it declares.
func digestUpdate(db *storage.DB) func(context.Context, func(notify.Tx) error) error {
	return func(ctx context.Context, fn func(notify.Tx) error) error {
		return db.Update(ctx, func(tx *storage.Tx) error { return fn(tx) })
	}
}

func newNotifier(cfg *config.Config, db *storage.DB, log *slog.Logger, now func() time.Time) (*notifier, error) {
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
	return &notifier{
		digester: &notify.Digester{Update: digestUpdate(db), Specs: specs, Feeds: feeds, Domain: domain, Now: now, Log: log},
		deliverer: &notify.Deliverer{Outbox: db, Senders: senders, Now: now, Log: log,
			Policy: notify.Policy{MaxAttempts: cfg.Notify.Retry.MaxAttempts, MaxAge: cfg.Notify.Retry.MaxAge}},
	}, nil
}

// digestService runs digests for the daemon: each digest's schedule
// composes and queues it, and a worker delivers the outbox in the
// background (resuming what a previous run left pending).
type digestService struct {
	cron     *cron.Cron
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// startDigests starts the digest schedules and the delivery worker for cfg.
// The daemon calls it after opening the database and stops it (Stop) before
// exiting; on SIGHUP it stops the old service and starts one for the new
// config.
func (a *app) startDigests(ctx context.Context, cfg *config.Config) (*digestService, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	n, err := newNotifier(cfg, db, a.log, a.now)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	logger := digestCronLogger{a.log}
	s := &digestService{
		cron:   cron.New(cron.WithLogger(logger), cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger))),
		cancel: cancel,
	}
	for _, d := range cfg.Digests {
		sched, err := config.ParseSchedule(d.Schedule)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("digest %s: %w", d.Name, err)
		}
		s.cron.Schedule(sched, cron.FuncJob(func() {
			if ctx.Err() != nil {
				return
			}
			res, err := n.digester.Run(ctx, d.Name)
			a.observeDigest(res, err)
			if err != nil {
				a.log.Error("digest failed", "digest", d.Name, "err", err)
				return
			}
			n.deliverer.Kick()
		}))
	}
	if a.metrics != nil {
		n.deliverer.Outbox = observedOutbox{Outbox: n.deliverer.Outbox, m: a.metrics}
	}
	n.deliverer.Grace = shutdownGrace // as polls get: a receiver that has the request answers, and it is recorded
	s.wg.Go(func() { n.deliverer.Loop(ctx) })
	s.cron.Start()
	return s, nil
}

// Stop stops the schedules, waits for a digest being composed, and stops
// the delivery worker once its sends in flight end (within shutdownGrace).
// Calls after the first return at once.
func (s *digestService) Stop() {
	s.stopOnce.Do(func() {
		<-s.cron.Stop().Done()
		s.cancel()
		s.wg.Wait()
	})
}

type digestCronLogger struct{ log *slog.Logger }

func (l digestCronLogger) Info(msg string, kv ...any) { l.log.Debug("digest cron: "+msg, kv...) }
func (l digestCronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("digest cron: "+msg, append([]any{"err", err}, kv...)...)
}

// observeDigest counts a scheduled digest run for /metrics.
func (a *app) observeDigest(res notify.Result, err error) {
	if a.metrics == nil {
		return
	}
	switch {
	case err != nil:
		a.metrics.Digests.WithLabelValues("error").Inc()
	case res.Recorded:
		a.metrics.Digests.WithLabelValues("queued").Inc()
	default:
		a.metrics.Digests.WithLabelValues("empty").Inc()
	}
}

// observedOutbox counts delivery attempts by their result for /metrics.
type observedOutbox struct {
	notify.Outbox
	m *status.Metrics
}

func (o observedOutbox) FinishDelivery(ctx context.Context, d storyline.Delivery) (bool, error) {
	ok, err := o.Outbox.FinishDelivery(ctx, d)
	if err == nil && ok {
		result := "retry"
		switch d.Status {
		case storyline.DeliverySent:
			result = "sent"
		case storyline.DeliveryDead:
			result = "dead"
		}
		o.m.Deliveries.WithLabelValues(result).Inc()
	}
	return ok, err
}

// digestLocation is a digest's zone (validated by config.Load); UTC when
// it sets none.
func digestLocation(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
