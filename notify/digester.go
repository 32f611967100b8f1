package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/storyline/storyline"
)

// Tx is what composing a digest needs inside its one write transaction;
// *storage.Tx implements it.
type Tx interface {
	// DigestState returns where the digest left off (zero when it never ran).
	DigestState(ctx context.Context, name string) (storyline.DigestState, error)
	// DigestStories returns the non-backlog stories with ids above afterID,
	// in id order, and the highest story id stored.
	DigestStories(ctx context.Context, afterID int64) ([]storyline.Story, int64, error)
	// DigestThread returns the Message-IDs of earlier digests of name that
	// announced any of events, oldest first.
	DigestThread(ctx context.Context, name string, events []int64) ([]string, error)
	// RecordDigest moves the digest's window to st and, when rec is not nil,
	// stores it with one pending delivery per recipient.
	RecordDigest(ctx context.Context, st storyline.DigestState, rec *storyline.DigestRecord, recipients []string) error
}

// EventTx is implemented by a Tx that knows anticipated events; without it
// digests have no follow-up, upcoming or overdue sections.
type EventTx interface {
	// DigestEvents returns the events with an outcome story above afterID,
	// those anticipated by a story above afterID, and the pending ones
	// expected between from and to.
	DigestEvents(ctx context.Context, afterID int64, from, to time.Time) ([]storyline.DigestEvent, error)
}

// Digester composes digests and records them, with their deliveries, in the
// outbox.
type Digester struct {
	// Update runs fn in one write transaction (storage.DB.Update).
	Update func(ctx context.Context, fn func(Tx) error) error
	Specs  []Spec
	// Feeds names the configured feeds: only they get a feed-health notice
	// (nil checks every stored feed). The Tx must implement HealthTx.
	Feeds []string
	// Domain is the right-hand side of Message-IDs (the sender's domain).
	Domain string
	Now    func() time.Time
	Log    *slog.Logger
}

// ErrUnknownDigest is returned for a digest name that is not configured.
var ErrUnknownDigest = errors.New("no such digest")

// Result says what one run of a digest did.
type Result struct {
	Name string
	// Record is the composed digest; nil when there was nothing new to send
	// (or nothing at all in this second).
	Record *storyline.DigestRecord
	// Digest is the composed digest; nil only when the window had not
	// moved. Its feed-health notice is only read for a digest to be sent.
	Digest *Digest
	// Recorded is true when Record went into the outbox with one delivery
	// per recipient (false for a preview).
	Recorded bool
}

func (dg *Digester) spec(name string) (Spec, error) {
	for _, s := range dg.Specs {
		if s.Name == name {
			return s, nil
		}
	}
	return Spec{}, fmt.Errorf("notify: %w: %q", ErrUnknownDigest, name)
}

// Run composes digest name for the stories new since its last run and, if
// there is something to send (or the digest sends empty ones), records it
// with its deliveries; in the same transaction it moves the digest's window
// on. The daemon calls it on each tick of the digest's schedule; a Deliverer
// then sends what it queued.
func (dg *Digester) Run(ctx context.Context, name string) (Result, error) {
	return dg.run(ctx, name, true)
}

// Preview composes digest name as Run would now, without recording
// anything (digest --dry-run).
func (dg *Digester) Preview(ctx context.Context, name string) (Result, error) {
	return dg.run(ctx, name, false)
}

// errPreview rolls back a preview's transaction.
var errPreview = errors.New("preview")

func (dg *Digester) run(ctx context.Context, name string, record bool) (Result, error) {
	res := Result{Name: name}
	spec, err := dg.spec(name)
	if err != nil {
		return res, err
	}
	end := dg.Now().UTC().Truncate(time.Second)
	err = dg.Update(ctx, func(tx Tx) error {
		st, err := tx.DigestState(ctx, name)
		if err != nil {
			return err
		}
		if !end.After(st.LastEnd) {
			// Already composed this second (keys are per second).
			return nil
		}
		in := Input{Start: st.LastEnd, End: end, After: st.LastStory}
		var last int64
		if in.Stories, last, err = tx.DigestStories(ctx, st.LastStory); err != nil {
			return err
		}
		if etx, ok := tx.(EventTx); ok {
			from := st.LastEnd
			if from.IsZero() {
				from = end.Add(-spec.Upcoming)
			}
			// Events expected from the day that turned overdue since the
			// last run to the end of the upcoming window.
			from = from.Add(-24*time.Hour - spec.Grace)
			if in.Events, err = etx.DigestEvents(ctx, st.LastStory, from, end.Add(spec.Upcoming)); err != nil {
				return err
			}
		}
		d := Compose(spec, in)
		res.Digest = d
		next := storyline.DigestState{Name: name, LastEnd: end, LastStory: last}
		if d.Empty() && !spec.SendEmpty {
			if !record {
				return errPreview
			}
			return tx.RecordDigest(ctx, next, nil, nil)
		}
		// Feed health is read only for a digest that goes out (the notice
		// alone never sends one), sparing the writer the query otherwise.
		if htx, ok := tx.(HealthTx); ok {
			feeds, err := htx.FeedHealth(ctx, end, recentGaps+1)
			if err != nil {
				return err
			}
			in.Feeds = feedFilter(feeds, dg.Feeds)
			d.FeedHealth = composeFeeds(spec, in.Feeds, end)
		}
		refs, err := tx.DigestThread(ctx, name, d.reported)
		if err != nil {
			return err
		}
		rec, err := dg.record(d, refs, end)
		if err != nil {
			return err
		}
		res.Record = rec
		if !record {
			return errPreview
		}
		if err := tx.RecordDigest(ctx, next, rec, spec.To); err != nil {
			return err
		}
		res.Recorded = true
		return nil
	})
	if err != nil && !errors.Is(err, errPreview) {
		return Result{Name: name}, fmt.Errorf("notify: digest %s: %w", name, err)
	}
	if dg.Log != nil && record {
		switch {
		case res.Recorded:
			dg.Log.Info("digest queued", "digest", name, "key", res.Record.Key, "stories", res.Record.Stories,
				"followups", len(res.Digest.FollowUps), "feed_notices", len(res.Digest.FeedHealth), "recipients", len(spec.To))
		case res.Digest != nil:
			dg.Log.Info("digest empty, not sent", "digest", name)
		}
	}
	return res, nil
}

func (dg *Digester) record(d *Digest, refs []string, now time.Time) (*storyline.DigestRecord, error) {
	text, err := RenderText(d)
	if err != nil {
		return nil, err
	}
	html, err := RenderHTML(d)
	if err != nil {
		return nil, err
	}
	payload, err := RenderPayload(d)
	if err != nil {
		return nil, err
	}
	rec := &storyline.DigestRecord{
		Key: d.Key, Name: d.Name, Subject: d.Subject, WindowEnd: d.Window.End, Created: now,
		MessageID: MessageID(d.Key, dg.Domain), References: refs,
		Text: text, HTML: html, Payload: payload, Stories: d.Stories(),
		Announced: d.announced, Reported: d.reported,
	}
	if d.Window.Start != nil {
		rec.WindowStart = *d.Window.Start
	}
	if len(refs) > 0 {
		rec.InReplyTo = refs[len(refs)-1]
	}
	return rec, nil
}

// MessageID derives the Message-ID (without angle brackets) of the digest
// with key: every retry and every recipient gets the same one.
func MessageID(key, domain string) string {
	if domain == "" {
		domain = "storyline.invalid"
	}
	sum := sha256.Sum256([]byte(key))
	return "digest." + hex.EncodeToString(sum[:16]) + "@" + domain
}
