package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// Sighting finds the story a feed already carried under its item key.
// It returns id 0 when the feed has no such item.
func (tx *Tx) Sighting(ctx context.Context, feedID int64, key string) (id int64, hash string, err error) {
	err = tx.queryRow(ctx, `SELECT s.id, s.hash FROM sightings g JOIN stories s ON s.id = g.story_id
		WHERE g.feed_id = ? AND g.item_key = ?`, feedID, key).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("storage: sighting: %w", err)
	}
	return id, hash, nil
}

// StoryByCanonical finds a story by canonical URL; 0 when there is none.
func (tx *Tx) StoryByCanonical(ctx context.Context, canonical string) (int64, error) {
	if canonical == "" {
		return 0, nil
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM stories WHERE url = ? AND url <> '' ORDER BY id LIMIT 1`, canonical).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: story by url: %w", err)
	}
	return id, nil
}

// InsertStory stores a new story first seen in feedID and sets s.ID.
func (tx *Tx) InsertStory(ctx context.Context, s *storyline.Story, feedID int64, hash string) error {
	err := tx.queryRow(ctx, `INSERT INTO stories(url, link, source, title, summary, content,
		author, categories, hash, published, first_seen, updated, feed_id, backlog)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Canonical, s.URL, s.Source, s.Title, s.Summary, s.Content, s.Author,
		strings.Join(s.Categories, "\n"), hash, unix(s.Published), unix(s.FirstSeen), unix(s.FirstSeen),
		feedID, s.Backlog).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("storage: insert story: %w", err)
	}
	return nil
}

// UpdateStoryText replaces the text of a story whose feed edited it.
func (tx *Tx) UpdateStoryText(ctx context.Context, s *storyline.Story, hash string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE stories SET title = ?, summary = ?, content = ?, author = ?,
		categories = ?, hash = ?, updated = ? WHERE id = ?`,
		s.Title, s.Summary, s.Content, s.Author, strings.Join(s.Categories, "\n"), hash, unix(at), s.ID)
	if err != nil {
		return fmt.Errorf("storage: update story %d: %w", s.ID, err)
	}
	return nil
}

// AddSighting records that feedID carries story id under key.
func (tx *Tx) AddSighting(ctx context.Context, feedID int64, key string, id int64, link string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO sightings(feed_id, item_key, story_id, link, first_seen)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, feedID, key, id, link, unix(at))
	if err != nil {
		return fmt.Errorf("storage: sighting: %w", err)
	}
	return nil
}

// StoryFilter selects stories for Stories.
type StoryFilter struct {
	Since time.Time // published at or after (the order they are listed in); zero for all
	Limit int       // 0 for no limit
	IDs   []int64   // only these, when not nil
}

const storyColumns = `s.id, s.url, s.link, s.source, s.title, s.summary, s.content, s.author, s.categories,
	s.published, s.first_seen, f.name, s.backlog, COALESCE(s.duplicate_of, 0), COALESCE(s.storyline, 0),
	(SELECT group_concat(name, char(10)) FROM (SELECT f2.name FROM sightings g JOIN feeds f2 ON f2.id = g.feed_id
		WHERE g.story_id = s.id GROUP BY f2.id ORDER BY min(g.first_seen), f2.id))`

// Stories returns stored stories, newest first.
func (db *DB) Stories(ctx context.Context, f StoryFilter) ([]storyline.Story, error) {
	q := `SELECT ` + storyColumns + ` FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE s.published >= ?`
	args := []any{unix(f.Since)}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		q += ` AND s.id IN (SELECT value FROM json_each(?))`
		args = append(args, jsonList(f.IDs))
	}
	q += ` ORDER BY s.published DESC, s.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: stories: %w", err)
	}
	defer rows.Close()
	var out []storyline.Story
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: stories: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Story returns one story by id.
func (tx *Tx) Story(ctx context.Context, id int64) (storyline.Story, error) {
	s, err := scanStory(tx.tx.QueryRowContext(ctx, `SELECT `+storyColumns+` FROM stories s
		JOIN feeds f ON f.id = s.feed_id WHERE s.id = ?`, id))
	if err != nil {
		return s, fmt.Errorf("storage: story %d: %w", id, err)
	}
	return s, nil
}

// StoryLinks returns every link under which each story was seen, first first.
func (db *DB) StoryLinks(ctx context.Context, ids []int64) (map[int64][]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT story_id, link FROM sightings
		WHERE story_id IN (SELECT value FROM json_each(?)) AND link <> '' ORDER BY story_id, first_seen`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: story links: %w", err)
	}
	defer rows.Close()
	out := make(map[int64][]string)
	for rows.Next() {
		var id int64
		var link string
		if err := rows.Scan(&id, &link); err != nil {
			return nil, err
		}
		if l := out[id]; len(l) == 0 || l[len(l)-1] != link {
			out[id] = append(l, link)
		}
	}
	return out, rows.Err()
}

func scanStory(row interface{ Scan(...any) error }) (storyline.Story, error) {
	var s storyline.Story
	var cats string
	var feeds sql.NullString
	var published, firstSeen int64
	err := row.Scan(&s.ID, &s.Canonical, &s.URL, &s.Source, &s.Title, &s.Summary, &s.Content, &s.Author,
		&cats, &published, &firstSeen, &s.Feed, &s.Backlog, &s.DuplicateOf, &s.Storyline, &feeds)
	if err != nil {
		return s, err
	}
	s.Published, s.FirstSeen = fromUnix(published), fromUnix(firstSeen)
	if cats != "" {
		s.Categories = strings.Split(cats, "\n")
	}
	if feeds.String != "" {
		s.Feeds = strings.Split(feeds.String, "\n")
	}
	return s, nil
}

// Storyline is a same-story cluster as a reader sees it: the stories of
// one happening across outlets.
type Storyline struct {
	ID          int64 // its first story's id
	Title       string
	Stories     int
	Outlets     []string
	First, Last time.Time // publication of its first and latest story
}

// Storylines returns the clusters of two or more stories with a story
// published since, the latest first.
func (db *DB) Storylines(ctx context.Context, since time.Time, limit int) ([]Storyline, error) {
	return db.storylines(ctx, `WHERE s.storyline IS NOT NULL GROUP BY s.storyline HAVING count(*) > 1 AND max(s.published) >= ?
		ORDER BY max(s.published) DESC, s.storyline DESC LIMIT ?`, unix(since), max(limit, 1))
}

// StorylineByID returns one cluster, ok false when there is none.
func (db *DB) StorylineByID(ctx context.Context, id int64) (Storyline, bool, error) {
	ls, err := db.storylines(ctx, `WHERE s.storyline = ? GROUP BY s.storyline`, id)
	if err != nil || len(ls) == 0 {
		return Storyline{}, false, err
	}
	return ls[0], true, nil
}

func (db *DB) storylines(ctx context.Context, where string, args ...any) ([]Storyline, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.storyline, COALESCE((SELECT title FROM stories WHERE id = s.storyline), ''),
		count(*), min(s.published), max(s.published), group_concat(DISTINCT f.name)
		FROM stories s JOIN feeds f ON f.id = s.feed_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: storylines: %w", err)
	}
	defer rows.Close()
	var out []Storyline
	for rows.Next() {
		var l Storyline
		var first, last int64
		var outlets string
		if err := rows.Scan(&l.ID, &l.Title, &l.Stories, &first, &last, &outlets); err != nil {
			return nil, fmt.Errorf("storage: storylines: %w", err)
		}
		l.First, l.Last, l.Outlets = fromUnix(first), fromUnix(last), strings.Split(outlets, ",")
		out = append(out, l)
	}
	return out, rows.Err()
}

// StorylineStories returns the stories of one cluster, oldest first.
func (db *DB) StorylineStories(ctx context.Context, id int64) ([]storyline.Story, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM stories WHERE storyline = ? ORDER BY published, id`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: storyline %d: %w", id, err)
	}
	var ids []int64
	for rows.Next() {
		var sid int64
		if err := rows.Scan(&sid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, sid)
	}
	rows.Close()
	if len(ids) == 0 {
		return nil, rows.Err()
	}
	stories, err := db.Stories(ctx, StoryFilter{IDs: ids})
	slices.Reverse(stories) // newest first from Stories
	return stories, err
}
