package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/storyline/storyline"
)

const feedColumns = `name, url, title, etag, last_modified, polls, last_fetch, last_success,
	last_status, last_error, failures, next_check`

func scanFeed(row interface{ Scan(...any) error }) (storyline.FeedState, error) {
	var st storyline.FeedState
	var lastFetch, lastSuccess, nextCheck int64
	err := row.Scan(&st.Name, &st.URL, &st.Title, &st.ETag, &st.LastModified, &st.Polls,
		&lastFetch, &lastSuccess, &st.LastStatus, &st.LastError, &st.Failures, &nextCheck)
	st.LastFetch, st.LastSuccess, st.NextCheck = fromUnix(lastFetch), fromUnix(lastSuccess), fromUnix(nextCheck)
	return st, err
}

// FeedState returns what is stored about the named feed; a feed never seen
// has a zero state with only its name set.
func (db *DB) FeedState(ctx context.Context, name string) (storyline.FeedState, error) {
	st, err := scanFeed(db.r.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return storyline.FeedState{Name: name}, nil
	}
	if err != nil {
		return st, fmt.Errorf("storage: feed %s: %w", name, err)
	}
	return st, nil
}

// FeedStates returns every stored feed, by name.
func (db *DB) FeedStates(ctx context.Context) ([]storyline.FeedState, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("storage: feeds: %w", err)
	}
	defer rows.Close()
	var out []storyline.FeedState
	for rows.Next() {
		st, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: feeds: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// FeedID returns the id of the named feed, creating it with url if needed.
// An existing feed keeps its URL: only a fetch (SaveFeedState) changes it.
func (tx *Tx) FeedID(ctx context.Context, name, url string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO feeds(name, url) VALUES (?, ?)
		ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id`, name, url).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("storage: feed %s: %w", name, err)
	}
	return id, nil
}

// SaveFeedState stores the fetch state of a feed, creating it if needed.
func (tx *Tx) SaveFeedState(ctx context.Context, st storyline.FeedState) error {
	_, err := tx.exec(ctx, `INSERT INTO feeds(`+feedColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET url = excluded.url, title = excluded.title,
			etag = excluded.etag, last_modified = excluded.last_modified, polls = excluded.polls,
			last_fetch = excluded.last_fetch, last_success = excluded.last_success,
			last_status = excluded.last_status, last_error = excluded.last_error,
			failures = excluded.failures, next_check = excluded.next_check`,
		st.Name, st.URL, st.Title, st.ETag, st.LastModified, st.Polls, unix(st.LastFetch),
		unix(st.LastSuccess), st.LastStatus, st.LastError, st.Failures, unix(st.NextCheck))
	if err != nil {
		return fmt.Errorf("storage: save feed %s: %w", st.Name, err)
	}
	return nil
}

// FeedsInError counts feeds whose last fetch failed.
func (db *DB) FeedsInError(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM feeds WHERE failures > 0`).Scan(&n)
	return n, err
}

// StoriesPerFeed counts, per feed name, the stories each feed brought since t.
func (db *DB) StoriesPerFeed(ctx context.Context, since time.Time) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT f.name, count(*) FROM sightings g JOIN feeds f ON f.id = g.feed_id
		WHERE g.first_seen >= ? GROUP BY f.id`, unix(since))
	if err != nil {
		return nil, fmt.Errorf("storage: stories per feed: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}
