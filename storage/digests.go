package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// The digest outbox: composing a digest (notify.Digester) reads and writes
// through *Tx inside one transaction; delivering it (notify.Deliverer) and
// the outbox command use *DB.

// DigestState returns where digest name left off; a zero state (with the
// name set) when it never ran.
func (tx *Tx) DigestState(ctx context.Context, name string) (storyline.DigestState, error) {
	st := storyline.DigestState{Name: name}
	var end int64
	err := tx.tx.QueryRowContext(ctx, `SELECT last_end, last_story FROM digest_state WHERE name = ?`, name).
		Scan(&end, &st.LastStory)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("storage: digest state %q: %w", name, err)
	}
	st.LastEnd = fromUnix(end)
	return st, nil
}

// digestStoryColumns are storyColumns without the content, which digests
// never show and which is most of a story's size.
var digestStoryColumns = strings.Replace(storyColumns, "s.content", "''", 1)

// DigestStories returns the stories stored after story id afterID, except
// those from a feed's first poll, in id order, with their topics (highest
// priority first); and the highest story id stored, backlog included, which
// is where the next digest starts.
func (tx *Tx) DigestStories(ctx context.Context, afterID int64) ([]storyline.Story, int64, error) {
	last := afterID
	if err := tx.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM stories`).Scan(&last); err != nil {
		return nil, 0, fmt.Errorf("storage: digest stories: %w", err)
	}
	if last < afterID {
		// Stories were pruned (or the rowids reused); never go backwards.
		last = afterID
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+digestStoryColumns+` FROM stories s JOIN feeds f ON f.id = s.feed_id
		WHERE s.id > ? AND s.id <= ? AND NOT s.backlog ORDER BY s.id`, afterID, last)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: digest stories: %w", err)
	}
	defer rows.Close()
	var out []storyline.Story
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("storage: digest stories: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("storage: digest stories: %w", err)
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	hits, err := tx.StoryTopics(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		for _, h := range hits[out[i].ID] {
			out[i].Topics = append(out[i].Topics, h.Topic)
		}
	}
	return out, last, nil
}

// DigestThread returns the Message-IDs of the earlier digests called name
// that announced any of events, oldest first.
func (tx *Tx) DigestThread(ctx context.Context, name string, events []int64) ([]string, error) {
	if len(events) == 0 {
		return nil, nil
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT d.message_id FROM digests d
		WHERE d.name = ? AND EXISTS (SELECT 1 FROM digest_events e WHERE e.digest_key = d.key AND e.role = 'a'
			AND e.event_id IN (SELECT value FROM json_each(?)))
		ORDER BY d.window_end, d.key`, name, jsonList(events))
	if err != nil {
		return nil, fmt.Errorf("storage: digest thread: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("storage: digest thread: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RecordDigest moves digest st.Name's window on to st and, when rec is not
// nil, stores rec with one pending delivery per recipient, due at once.
// Called in the composing transaction, so a digest is recorded exactly when
// its window moves.
func (tx *Tx) RecordDigest(ctx context.Context, st storyline.DigestState, rec *storyline.DigestRecord, recipients []string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO digest_state(name, last_end, last_story) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET last_end = excluded.last_end, last_story = excluded.last_story`,
		st.Name, unix(st.LastEnd), st.LastStory)
	if err != nil {
		return fmt.Errorf("storage: digest state %q: %w", st.Name, err)
	}
	if rec == nil {
		return nil
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO digests(key, name, subject, window_start, window_end, created,
		message_id, in_reply_to, refs, text, html, payload, stories) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rec.Key, rec.Name, rec.Subject, unix(rec.WindowStart), unix(rec.WindowEnd), unix(rec.Created),
		rec.MessageID, rec.InReplyTo, strings.Join(rec.References, "\n"), rec.Text, rec.HTML, rec.Payload, rec.Stories)
	if err != nil {
		return fmt.Errorf("storage: record digest %s: %w", rec.Key, err)
	}
	for _, ev := range []struct {
		role string
		ids  []int64
	}{{"a", rec.Announced}, {"r", rec.Reported}} {
		if len(ev.ids) == 0 {
			continue
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO digest_events(digest_key, event_id, role)
			SELECT ?, value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`, rec.Key, ev.role, jsonList(ev.ids))
		if err != nil {
			return fmt.Errorf("storage: record digest %s events: %w", rec.Key, err)
		}
	}
	at := rec.Created.UnixMilli()
	for _, to := range recipients {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO deliveries(digest_key, recipient, queued, next_attempt)
			VALUES (?, ?, ?, ?)`, rec.Key, to, at, at)
		if err != nil {
			return fmt.Errorf("storage: queue %s for %s: %w", rec.Key, to, err)
		}
	}
	return nil
}

// Digest returns the recorded digest with key.
func (db *DB) Digest(ctx context.Context, key string) (storyline.DigestRecord, error) {
	var r storyline.DigestRecord
	var start, end, created int64
	var refs string
	err := db.r.QueryRowContext(ctx, `SELECT key, name, subject, window_start, window_end, created, message_id,
		in_reply_to, refs, text, html, payload, stories FROM digests WHERE key = ?`, key).
		Scan(&r.Key, &r.Name, &r.Subject, &start, &end, &created, &r.MessageID, &r.InReplyTo, &refs,
			&r.Text, &r.HTML, &r.Payload, &r.Stories)
	if err != nil {
		return r, fmt.Errorf("storage: digest %s: %w", key, err)
	}
	r.WindowStart, r.WindowEnd, r.Created = fromUnix(start), fromUnix(end), fromUnix(created)
	if refs != "" {
		r.References = strings.Split(refs, "\n")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT event_id, role FROM digest_events WHERE digest_key = ? ORDER BY event_id`, key)
	if err != nil {
		return r, fmt.Errorf("storage: digest %s events: %w", key, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return r, fmt.Errorf("storage: digest %s events: %w", key, err)
		}
		if role == "a" {
			r.Announced = append(r.Announced, id)
		} else {
			r.Reported = append(r.Reported, id)
		}
	}
	return r, rows.Err()
}

// RecentDigests returns the digests composed since, newest first, at most
// limit: their key, name, subject, creation time and text.
func (db *DB) RecentDigests(ctx context.Context, since time.Time, limit int) ([]storyline.DigestRecord, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT key, name, subject, created, text FROM digests WHERE created >= ?
		ORDER BY created DESC, key DESC LIMIT ?`, unix(since), max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("storage: recent digests: %w", err)
	}
	defer rows.Close()
	var out []storyline.DigestRecord
	for rows.Next() {
		var r storyline.DigestRecord
		var created int64
		if err := rows.Scan(&r.Key, &r.Name, &r.Subject, &created, &r.Text); err != nil {
			return nil, fmt.Errorf("storage: recent digests: %w", err)
		}
		r.Created = fromUnix(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

const deliveryColumns = `id, digest_key, recipient, status, attempts, queued, next_attempt, last_attempt, sent, last_error`

func scanDelivery(row interface{ Scan(...any) error }) (storyline.Delivery, error) {
	var d storyline.Delivery
	var queued, next, last, sent int64
	err := row.Scan(&d.ID, &d.DigestKey, &d.Recipient, &d.Status, &d.Attempts, &queued, &next, &last, &sent, &d.LastError)
	d.Queued, d.NextAttempt, d.LastAttempt, d.Sent = fromUnixMilli(queued), fromUnixMilli(next), fromUnixMilli(last), fromUnixMilli(sent)
	return d, err
}

// ClaimDeliveries takes up to limit pending deliveries due at now, counts
// an attempt on each and pushes their due time lease ahead, so that no other
// worker (nor another storyline process) takes them meanwhile; a worker that
// dies leaves them to be taken again when the lease ends.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storyline.Delivery, error) {
	var out []storyline.Delivery
	err := db.Update(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, last_attempt = ?, next_attempt = ?
			WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?)
			RETURNING `+deliveryColumns, now.UnixMilli(), now.Add(lease).UnixMilli(), now.UnixMilli(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("storage: claim deliveries: %w", err)
	}
	// RETURNING gives no order guarantee.
	slices.SortFunc(out, func(a, b storyline.Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// FinishDelivery records the result of the attempt that claimed d: its
// Status (sent, dead, or pending again), NextAttempt, Sent and LastError.
// It reports false, changing nothing, when the claim had been lost (the
// lease ran out and someone else took the delivery).
func (db *DB) FinishDelivery(ctx context.Context, d storyline.Delivery) (bool, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE deliveries SET status = ?, next_attempt = ?, sent = ?, last_error = ?
		WHERE id = ? AND attempts = ? AND status = 'pending'`,
		d.Status, unixMilli(d.NextAttempt), unixMilli(d.Sent), d.LastError, d.ID, d.Attempts)
	if err != nil {
		return false, fmt.Errorf("storage: finish delivery %d: %w", d.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: finish delivery %d: %w", d.ID, err)
	}
	return n == 1, nil
}

// NextDelivery returns when the earliest pending delivery is due; zero when
// none is pending.
func (db *DB) NextDelivery(ctx context.Context) (time.Time, error) {
	var next sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT MIN(next_attempt) FROM deliveries WHERE status = 'pending'`).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: next delivery: %w", err)
	}
	return fromUnixMilli(next.Int64), nil
}

// DeliveryFilter selects deliveries for Deliveries.
type DeliveryFilter struct {
	Status     storyline.DeliveryStatus // "" for every status
	DigestKeys []string                 // only these digests, when not nil
	IDs        []int64                  // only these deliveries, when not nil
	Limit      int                      // 0 for no limit
}

// Deliveries lists the outbox, newest first.
func (db *DB) Deliveries(ctx context.Context, f DeliveryFilter) ([]storyline.Delivery, error) {
	q := `SELECT ` + deliveryColumns + ` FROM deliveries WHERE (? = '' OR status = ?)`
	args := []any{f.Status, f.Status}
	if f.DigestKeys != nil {
		if len(f.DigestKeys) == 0 {
			return nil, nil
		}
		q += ` AND digest_key IN (SELECT value FROM json_each(?))`
		args = append(args, stringsJSON(f.DigestKeys))
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		q += ` AND id IN (SELECT value FROM json_each(?))`
		args = append(args, jsonList(f.IDs))
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: deliveries: %w", err)
	}
	defer rows.Close()
	var out []storyline.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RequeueDead puts dead deliveries (those in ids, or all when ids is nil)
// back in the queue with a fresh retry budget, due at now. It returns how
// many it re-queued.
func (db *DB) RequeueDead(ctx context.Context, ids []int64, now time.Time) (int, error) {
	q := `UPDATE deliveries SET status = 'pending', attempts = 0, queued = ?, next_attempt = ? WHERE status = 'dead'`
	args := []any{now.UnixMilli(), now.UnixMilli()}
	if ids != nil {
		q += ` AND id IN (SELECT value FROM json_each(?))`
		args = append(args, jsonList(ids))
	}
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("storage: requeue dead deliveries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: requeue dead deliveries: %w", err)
	}
	return int(n), nil
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromUnixMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func stringsJSON(ss []string) string {
	b, _ := json.Marshal(ss) // a []string always marshals
	return string(b)
}

// OutboxDepth counts deliveries still pending.
func (db *DB) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE status = ?`, string(storyline.DeliveryPending)).Scan(&n)
	return n, err
}

// FeedHealth returns every stored feed's fetch state, by name, with the
// latest recent distinct times at which it brought new stories (sightings
// first seen), newest first, and whether it brought any in the same stretch
// of time a week before now. One query: per feed, a few steps down the
// sightings_feed_seen index. Digests read it inside their transaction
// (notify.HealthTx).
func (tx *Tx) FeedHealth(ctx context.Context, now time.Time, recent int) ([]storyline.FeedHealth, error) {
	const week = 7 * 24 * 60 * 60
	rows, err := tx.tx.QueryContext(ctx, `SELECT f.name, f.url, f.title, f.etag, f.last_modified, f.polls,
			f.last_fetch, f.last_success, f.last_status, f.last_error, f.failures, f.next_check, f.first_fetch,
			(SELECT group_concat(t) FROM (SELECT DISTINCT g.first_seen AS t FROM sightings g
				WHERE g.feed_id = f.id ORDER BY g.first_seen DESC LIMIT ?)),
			EXISTS (SELECT 1 FROM sightings g WHERE g.feed_id = f.id AND g.first_seen <= ?
				AND g.first_seen > (SELECT max(first_seen) FROM sightings WHERE feed_id = f.id) - ?)
		FROM feeds f ORDER BY f.name`, recent, unix(now)-week, week)
	if err != nil {
		return nil, fmt.Errorf("storage: feed health: %w", err)
	}
	defer rows.Close()
	var out []storyline.FeedHealth
	for rows.Next() {
		var h storyline.FeedHealth
		var lastFetch, lastSuccess, nextCheck, firstFetch int64
		var arrivals sql.NullString
		err := rows.Scan(&h.Name, &h.URL, &h.Title, &h.ETag, &h.LastModified, &h.Polls, &lastFetch, &lastSuccess,
			&h.LastStatus, &h.LastError, &h.Failures, &nextCheck, &firstFetch, &arrivals, &h.WeekBefore)
		if err != nil {
			return nil, fmt.Errorf("storage: feed health: %w", err)
		}
		h.LastFetch, h.LastSuccess, h.NextCheck = fromUnix(lastFetch), fromUnix(lastSuccess), fromUnix(nextCheck)
		h.FirstFetch = fromUnix(firstFetch)
		if arrivals.String != "" {
			for _, a := range strings.Split(arrivals.String, ",") {
				sec, err := strconv.ParseInt(a, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("storage: feed health %s: %w", h.Name, err)
				}
				h.Arrivals = append(h.Arrivals, fromUnix(sec))
			}
			// group_concat promises no order.
			slices.SortFunc(h.Arrivals, func(a, b time.Time) int { return b.Compare(a) })
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: feed health: %w", err)
	}
	return out, nil
}
