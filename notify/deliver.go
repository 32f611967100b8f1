package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/storyline/storyline"
)

// Outbox is the delivery queue; *storage.DB implements it.
type Outbox interface {
	// ClaimDeliveries takes up to limit pending deliveries due at now,
	// counting an attempt and leasing them for lease.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storyline.Delivery, error)
	// Digest returns a recorded digest.
	Digest(ctx context.Context, key string) (storyline.DigestRecord, error)
	// FinishDelivery records an attempt's result; false when the claim was lost.
	FinishDelivery(ctx context.Context, d storyline.Delivery) (bool, error)
	// NextDelivery returns when the earliest pending delivery is due, zero
	// when none is pending.
	NextDelivery(ctx context.Context) (time.Time, error)
}

// Message is one digest going to one recipient.
type Message struct {
	Target   string             // the address, or the webhook name
	Delivery storyline.Delivery // Attempts counts this attempt
	Digest   storyline.DigestRecord
}

// Sender sends messages of one recipient kind. An error is retried unless it
// is marked Permanent; RetryAfter carries the receiver's requested delay.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// PermanentError marks a failure that retrying cannot fix (a 4xx answer, a
// refused recipient): the delivery is dead at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as final.
func Permanent(err error) error { return &PermanentError{Err: err} }

// RetryAfterError is a temporary failure whose receiver asked to wait
// After before trying again (HTTP 429/503 Retry-After).
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// Policy is the retry budget of one delivery and how the worker paces it.
type Policy struct {
	MaxAttempts int           // attempts before a delivery is dead (config notify.retry.max_attempts)
	MaxAge      time.Duration // time since queued before it is dead (notify.retry.max_age)
	// Backoff before attempt n+1 is Base·2^(n-1), at most Max, with jitter:
	// a uniformly random delay between half of it and all of it.
	Base, Max time.Duration
	// Timeout bounds one attempt; a claim's lease is twice that, so a
	// crashed worker's deliveries are retried after it.
	Timeout time.Duration
	// Workers send concurrently, at most this many at once.
	Workers int
}

// DefaultPolicy is the pacing used where a field of Policy is zero.
var DefaultPolicy = Policy{
	MaxAttempts: 8, MaxAge: 24 * time.Hour,
	Base: 30 * time.Second, Max: time.Hour, Timeout: 30 * time.Second, Workers: 4,
}

func (p Policy) withDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultPolicy.MaxAttempts
	}
	if p.MaxAge <= 0 {
		p.MaxAge = DefaultPolicy.MaxAge
	}
	if p.Base <= 0 {
		p.Base = DefaultPolicy.Base
	}
	if p.Max <= 0 {
		p.Max = DefaultPolicy.Max
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultPolicy.Timeout
	}
	if p.Workers <= 0 {
		p.Workers = DefaultPolicy.Workers
	}
	return p
}

// Backoff is the delay after the attempt-th failed attempt, before jitter.
func (p Policy) Backoff(attempt int) time.Duration {
	p = p.withDefaults()
	d := p.Base
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// Deliverer works the outbox. One Deliverer per process; several processes
// (the daemon and a `storyline digest`) may share an outbox, since claims
// are leased.
type Deliverer struct {
	Outbox  Outbox
	Senders map[string]Sender // by recipient kind: "email", "webhook"
	Policy  Policy
	Now     func() time.Time
	Log     *slog.Logger
	// Jitter returns a number in [0, 1); rand.Float64 when nil.
	Jitter func() float64
	// Idle is how often Loop looks for deliveries queued by another process
	// when it knows of none due (a minute when zero).
	Idle time.Duration
	// Grace is how long sends in flight may go on once the context of Loop
	// or DeliverDue ends (a shutdown): a receiver that already has the whole
	// request answers, and its answer is recorded. Zero cancels them at once.
	Grace time.Duration

	kickOnce sync.Once
	kick     chan struct{}
}

func (dl *Deliverer) kicks() chan struct{} {
	dl.kickOnce.Do(func() { dl.kick = make(chan struct{}, 1) })
	return dl.kick
}

// Kick wakes Loop to look for due deliveries now (after a Digester.Run).
func (dl *Deliverer) Kick() {
	select {
	case dl.kicks() <- struct{}{}:
	default:
	}
}

func (dl *Deliverer) log() *slog.Logger {
	if dl.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return dl.Log
}

// Loop delivers until ctx ends, sleeping until the next delivery is due, a
// Kick, or Idle. Outbox errors are logged and retried, so a broken receiver
// or a busy database never stops the daemon. It returns nil when ctx ends,
// after every send it started has finished.
func (dl *Deliverer) Loop(ctx context.Context) error {
	idle := dl.Idle
	if idle <= 0 {
		idle = time.Minute
	}
	for {
		wait := idle
		if _, err := dl.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			dl.log().Error("outbox", "err", err)
		} else if next, err := dl.Outbox.NextDelivery(ctx); err != nil && ctx.Err() == nil {
			dl.log().Error("outbox", "err", err)
		} else if !next.IsZero() {
			wait = min(max(next.Sub(dl.Now()), 0), idle)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-dl.kicks():
			t.Stop()
		case <-t.C:
		}
	}
}

// Drain delivers what is due, then waits for each retry that falls due
// before deadline, and returns when nothing pending is due before then
// (what still fails stays queued for the daemon).
func (dl *Deliverer) Drain(ctx context.Context, deadline time.Time) error {
	for {
		if _, err := dl.DeliverDue(ctx); err != nil {
			return err
		}
		next, err := dl.Outbox.NextDelivery(ctx)
		if err != nil {
			return err
		}
		if next.IsZero() || next.After(deadline) {
			return nil
		}
		t := time.NewTimer(max(next.Sub(dl.Now()), 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// DeliverDue sends every delivery due now, a batch at a time, and returns
// how many attempts it made.
func (dl *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	p := dl.Policy.withDefaults()
	sctx, stop := graceful(ctx, dl.Grace)
	defer stop()
	total := 0
	for ctx.Err() == nil {
		batch, err := dl.Outbox.ClaimDeliveries(ctx, dl.Now(), 2*p.Timeout, p.Workers)
		if err != nil {
			return total, err
		}
		if len(batch) == 0 {
			return total, nil
		}
		total += len(batch)
		var wg sync.WaitGroup
		errs := make([]error, len(batch))
		for i, d := range batch {
			wg.Go(func() { errs[i] = dl.attempt(sctx, p, d) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return total, err
		}
	}
	return total, nil
}

// graceful returns a context that ends grace after ctx does (at once when
// grace is 0): the sends a shutdown finds in flight run on it.
func graceful(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	if grace <= 0 {
		return context.WithCancel(ctx)
	}
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(gctx, func() { t.Stop() })
	})
	return gctx, func() { stop(); cancel() }
}

// attempt sends one claimed delivery and records the result. Only an
// outbox failure is returned; a send failure is the delivery's state. ctx
// is the send's: it ends a grace after a shutdown begins.
func (dl *Deliverer) attempt(ctx context.Context, p Policy, d storyline.Delivery) error {
	kind, target := d.Kind()
	log := dl.log().With("delivery", d.ID, "digest", d.DigestKey, "recipient", d.Recipient, "attempt", d.Attempts)
	var sendErr error
	if s := dl.Senders[kind]; s == nil {
		sendErr = Permanent(fmt.Errorf("no %s sender configured", kind))
	} else if rec, err := dl.Outbox.Digest(ctx, d.DigestKey); err != nil {
		return err
	} else {
		actx, cancel := context.WithTimeout(ctx, p.Timeout)
		sendErr = s.Send(actx, Message{Target: target, Delivery: d, Digest: rec})
		cancel()
	}
	now := dl.Now()
	if ctx.Err() != nil && sendErr != nil {
		// Shutting down: leave it due at once for the next start.
		d.NextAttempt, d.LastError = now, "interrupted: "+sendErr.Error()
	} else {
		dl.judge(p, &d, sendErr, now)
	}
	// Record even while shutting down, or the claim's lease would delay
	// the retry.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ok, err := dl.Outbox.FinishDelivery(rctx, d)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		log.Warn("delivery claim lost: the attempt outlived its lease")
	case d.Status == storyline.DeliverySent:
		log.Info("delivered")
	case d.Status == storyline.DeliveryDead:
		log.Error("delivery failed for good", "err", d.LastError)
	default:
		log.Warn("delivery failed, will retry", "err", d.LastError, "next", d.NextAttempt)
	}
	return nil
}

// judge sets d's state after an attempt that ended with err at now.
func (dl *Deliverer) judge(p Policy, d *storyline.Delivery, err error, now time.Time) {
	if err == nil {
		d.Status, d.Sent, d.LastError = storyline.DeliverySent, now, ""
		return
	}
	d.LastError = err.Error()
	var perm *PermanentError
	if errors.As(err, &perm) {
		d.Status = storyline.DeliveryDead
		return
	}
	delay := p.Backoff(d.Attempts)
	jitter := rand.Float64
	if dl.Jitter != nil {
		jitter = dl.Jitter
	}
	delay = delay/2 + time.Duration(jitter()*float64(delay/2))
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		// The receiver knows best when it can take it again.
		delay = ra.After
	}
	d.NextAttempt = now.Add(delay)
	switch {
	case d.Attempts >= p.MaxAttempts:
		d.Status = storyline.DeliveryDead
		d.LastError = fmt.Sprintf("%s (gave up after %d attempts)", d.LastError, d.Attempts)
	case d.NextAttempt.After(d.Queued.Add(p.MaxAge)):
		d.Status = storyline.DeliveryDead
		d.LastError = fmt.Sprintf("%s (gave up: next attempt would be past the retry budget of %s)", d.LastError, p.MaxAge)
	default:
		d.Status = storyline.DeliveryPending
	}
}
