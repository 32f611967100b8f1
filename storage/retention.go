package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PruneStats counts what Prune removed.
type PruneStats struct {
	Stories    int // stories deleted
	Kept       int // old stories kept because something still needs them
	Tombstones int // expired tombstones removed
}

// pruneBatch bounds one pruning transaction so that polls are not held up.
const pruneBatch = 500

// FollowupRecent is how long retention keeps the follow-up rows of the
// past: anticipations closed since, and stories reporting outcomes
// published since. Package followup's memory of its candidates reaches
// back less far (3 days): it must not hold rows the database no longer has.
const FollowupRecent = 4 * 24 * time.Hour

// keptStories are old stories still needed: anticipations whose events are
// open (or closed lately, see FollowupRecent), the stories linked to them,
// recent stories reporting outcomes, stories of events that digests with
// undelivered mail announced or reported, and stories no digest has
// considered yet.
const keptStories = `
	SELECT story_id FROM followup_events WHERE open_until >= :recent
	UNION SELECT story_id FROM followup_outcomes WHERE published >= :recent
	UNION SELECT l.story_id FROM followup_links l JOIN followup_events e ON e.id = l.event_id WHERE e.open_until >= :now
	UNION SELECT e.story_id FROM digest_events de JOIN followup_events e ON e.id = de.event_id
		WHERE de.digest_key IN (SELECT digest_key FROM deliveries WHERE status = 'pending')
	UNION SELECT l.story_id FROM digest_events de JOIN followup_links l ON l.event_id = de.event_id
		WHERE de.digest_key IN (SELECT digest_key FROM deliveries WHERE status = 'pending')
	UNION SELECT id FROM stories WHERE id > (SELECT COALESCE(min(last_story), 0) FROM digest_state)
		AND EXISTS (SELECT 1 FROM digest_state)`

// Prune deletes stories first seen before cutoff that nothing still needs,
// leaving tombstones so that feeds still listing them do not bring them
// back as new; their sightings, topics, follow-up rows and full-text
// entries go with them. Tombstones older than cutoff are dropped. It works
// in batches, each its own transaction.
func (db *DB) Prune(ctx context.Context, cutoff, now time.Time) (PruneStats, error) {
	var st PruneStats
	for {
		var n int
		err := db.Update(ctx, func(tx *Tx) error {
			ids, err := tx.pruneCandidates(ctx, cutoff, now)
			if err != nil {
				return err
			}
			n = len(ids)
			if n == 0 {
				return nil
			}
			list := jsonList(ids)
			steps := []string{
				`INSERT OR REPLACE INTO tombstones(feed_id, item_key, pruned_at)
					SELECT feed_id, item_key, ? FROM sightings WHERE story_id IN (SELECT value FROM json_each(?))`,
				`INSERT OR REPLACE INTO tombstone_urls(url, pruned_at)
					SELECT url, ? FROM stories WHERE url <> '' AND id IN (SELECT value FROM json_each(?))`,
				`DELETE FROM dedupe_fingerprints WHERE story_id IN (SELECT value FROM json_each(?2)) AND ?1 IS NOT NULL`,
				`DELETE FROM stories WHERE id IN (SELECT value FROM json_each(?2)) AND ?1 IS NOT NULL`,
			}
			for _, q := range steps {
				if _, err := tx.tx.ExecContext(ctx, q, unix(now), list); err != nil {
					return fmt.Errorf("storage: prune: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		st.Stories += n
		if n < pruneBatch {
			break
		}
	}
	err := db.Update(ctx, func(tx *Tx) error {
		var kept int
		if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM stories WHERE first_seen < ? AND id IN (`+keptStories+`)`,
			unix(cutoff), sql.Named("now", unix(now)), sql.Named("recent", unix(now.Add(-FollowupRecent)))).Scan(&kept); err != nil {
			return err
		}
		st.Kept = kept
		for _, q := range []string{`DELETE FROM tombstones WHERE pruned_at < ?`, `DELETE FROM tombstone_urls WHERE pruned_at < ?`} {
			res, err := tx.tx.ExecContext(ctx, q, unix(cutoff))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			st.Tombstones += int(n)
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("storage: prune: %w", err)
	}
	return st, nil
}

// PrunePreview counts what Prune(cutoff, now) would remove and keep,
// changing nothing.
func (db *DB) PrunePreview(ctx context.Context, cutoff, now time.Time) (PruneStats, error) {
	var st PruneStats
	named := []any{sql.Named("cutoff", unix(cutoff)), sql.Named("now", unix(now)), sql.Named("recent", unix(now.Add(-FollowupRecent)))}
	err := db.r.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM stories WHERE first_seen < :cutoff AND id NOT IN (`+keptStories+`)),
			(SELECT count(*) FROM stories WHERE first_seen < :cutoff AND id IN (`+keptStories+`)),
			(SELECT count(*) FROM tombstones WHERE pruned_at < :cutoff) + (SELECT count(*) FROM tombstone_urls WHERE pruned_at < :cutoff)`,
		named...).Scan(&st.Stories, &st.Kept, &st.Tombstones)
	if err != nil {
		return st, fmt.Errorf("storage: prune preview: %w", err)
	}
	return st, nil
}

func (tx *Tx) pruneCandidates(ctx context.Context, cutoff, now time.Time) ([]int64, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT id FROM stories WHERE first_seen < :cutoff
		AND id NOT IN (`+keptStories+`) ORDER BY id LIMIT :limit`,
		sql.Named("cutoff", unix(cutoff)), sql.Named("now", unix(now)), sql.Named("recent", unix(now.Add(-FollowupRecent))),
		sql.Named("limit", pruneBatch))
	if err != nil {
		return nil, fmt.Errorf("storage: prune: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Tombstoned reports whether an item was pruned: by its key in this feed,
// or by its canonical URL.
func (tx *Tx) Tombstoned(ctx context.Context, feedID int64, key, canonical string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tombstones WHERE feed_id = ? AND item_key = ?)
		OR (? <> '' AND EXISTS (SELECT 1 FROM tombstone_urls WHERE url = ?))`, feedID, key, canonical, canonical).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: tombstones: %w", err)
	}
	return n == 1, nil
}
