package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/notify"
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
	n, err := daemon.NewNotifier(a.cfg, db, a.log, a.now)
	if err != nil {
		return err
	}
	if *dry {
		for _, name := range names {
			res, err := n.Digester.Preview(ctx, name)
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
		res, err := n.Digester.Run(ctx, name)
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
	n.Deliverer.Policy = foregroundPolicy(n.Deliverer.Policy)
	if err := n.Deliverer.Drain(ctx, a.now().Add(*wait)); err != nil {
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
	nt, err := daemon.NewNotifier(a.cfg, db, a.log, a.now)
	if err != nil {
		return err
	}
	nt.Deliverer.Policy = foregroundPolicy(nt.Deliverer.Policy)
	if err := nt.Deliverer.Drain(ctx, a.now().Add(*wait)); err != nil {
		return err
	}
	ds, err := db.Deliveries(ctx, storage.DeliveryFilter{IDs: ids})
	if err != nil {
		return err
	}
	return reportDeliveries(a, ds)
}
