package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// SetStoryTopics records the topics a story matched (package topic's
// Set.Match), replacing what was recorded for it before: the pipeline calls
// it again when a story gains outlets and so passes a min_sources.
func (tx *Tx) SetStoryTopics(ctx context.Context, storyID int64, hits []storyline.TopicHit) error {
	// Called for every new story: prepared statements (tx.exec).
	if _, err := tx.exec(ctx, `DELETE FROM story_topics WHERE story_id = ?`, storyID); err != nil {
		return fmt.Errorf("storage: story %d topics: %w", storyID, err)
	}
	for _, h := range hits {
		_, err := tx.exec(ctx, `INSERT INTO story_topics(story_id, topic, priority, why) VALUES (?, ?, ?, ?)
			ON CONFLICT (story_id, topic) DO UPDATE SET priority = excluded.priority, why = excluded.why`,
			storyID, h.Topic, h.Priority, h.Why)
		if err != nil {
			return fmt.Errorf("storage: story %d topics: %w", storyID, err)
		}
	}
	return nil
}

// sourcesExpr counts the outlets of story s: the distinct feeds that carried
// it or any story of its near-duplicate group (the story it duplicates, if
// any, and that story's other duplicates).
const sourcesExpr = `(SELECT count(DISTINCT g.feed_id) FROM sightings g WHERE g.story_id IN (
	SELECT COALESCE(s.duplicate_of, s.id)
	UNION ALL SELECT d.id FROM stories d WHERE d.duplicate_of = COALESCE(s.duplicate_of, s.id)))`

// StorySources returns the number of outlets that carried a story: the
// count to give topic.Set.Match (see sourcesExpr); 0 for an unknown story.
func (tx *Tx) StorySources(ctx context.Context, storyID int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT `+sourcesExpr+` FROM stories s WHERE s.id = ?`, storyID).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: story %d sources: %w", storyID, err)
	}
	return n, nil
}

// TopicStoryIDs returns the ids of the stories that matched topic, newest
// (by publication) first, first seen at or after since (zero: all), at most
// limit (0: all). It is what "stories --topic T" lists.
func (db *DB) TopicStoryIDs(ctx context.Context, topic string, since time.Time, limit int) ([]int64, error) {
	q := `SELECT s.id FROM story_topics t JOIN stories s ON s.id = t.story_id
		WHERE t.topic = ? AND s.first_seen >= ? ORDER BY s.published DESC, s.id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := db.r.QueryContext(ctx, q, topic, unix(since))
	if err != nil {
		return nil, fmt.Errorf("storage: topic %q stories: %w", topic, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("storage: topic %q stories: %w", topic, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: topic %q stories: %w", topic, err)
	}
	return ids, nil
}

// StoryTopics returns the recorded topic hits of each story, highest
// priority first, then by topic name.
func (db *DB) StoryTopics(ctx context.Context, ids []int64) (map[int64][]storyline.TopicHit, error) {
	return storyTopics(ctx, db.r, ids)
}

// StoryTopics is DB.StoryTopics inside a transaction (digest composition).
func (tx *Tx) StoryTopics(ctx context.Context, ids []int64) (map[int64][]storyline.TopicHit, error) {
	return storyTopics(ctx, tx.tx, ids)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func storyTopics(ctx context.Context, q querier, ids []int64) (map[int64][]storyline.TopicHit, error) {
	out := make(map[int64][]storyline.TopicHit)
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT story_id, topic, priority, why FROM story_topics
		WHERE story_id IN (SELECT value FROM json_each(?)) ORDER BY story_id, priority DESC, topic`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: story topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var h storyline.TopicHit
		if err := rows.Scan(&id, &h.Topic, &h.Priority, &h.Why); err != nil {
			return nil, fmt.Errorf("storage: story topics: %w", err)
		}
		out[id] = append(out[id], h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: story topics: %w", err)
	}
	return out, nil
}

// SearchStories calls fn with the stories q selects, newest first: those
// whose title, summary or content match the FTS5 expression q.Match (all
// stories when it is ""), published at or after q.Since, at most q.Limit.
// It streams: fn sees each story once and must not keep the pointer. Story
// carries every field but Topics; Feeds only with q.Feeds. With q.Sources,
// fn also gets the story's number of outlets (see StorySources); otherwise
// 0. An FTS5 syntax error in q.Match is returned as an error.
func (db *DB) SearchStories(ctx context.Context, q storyline.StorySearch, fn func(st *storyline.Story, sources int) error) error {
	var b strings.Builder
	b.WriteString(`SELECT s.id, s.url, s.link, s.source, s.title, s.summary, s.content, s.author, s.categories,
		s.published, s.first_seen, f.name, s.backlog, COALESCE(s.duplicate_of, 0), COALESCE(s.storyline, 0), `)
	// The feeds and the outlet count cost more than the rest of the row:
	// only when asked.
	if q.Feeds {
		b.WriteString(`(SELECT group_concat(f2.name, char(10) ORDER BY g.first_seen, f2.id)
			FROM sightings g JOIN feeds f2 ON f2.id = g.feed_id WHERE g.story_id = s.id), `)
	} else {
		b.WriteString(`NULL, `)
	}
	if q.Sources {
		b.WriteString(sourcesExpr)
	} else {
		b.WriteString(`0`)
	}
	args := []any{}
	if q.Match != "" {
		// CROSS JOIN keeps the FTS5 result as the outer loop: the planner
		// would otherwise walk stories_published over every story.
		b.WriteString(` FROM (SELECT rowid AS id FROM stories_fts WHERE stories_fts MATCH ?) m
			CROSS JOIN stories s ON s.id = m.id JOIN feeds f ON f.id = s.feed_id`)
		args = append(args, q.Match)
	} else {
		b.WriteString(` FROM stories s JOIN feeds f ON f.id = s.feed_id`)
	}
	b.WriteString(` WHERE s.published >= ? ORDER BY s.published DESC, s.id DESC`)
	args = append(args, unix(q.Since))
	if q.Limit > 0 {
		fmt.Fprintf(&b, ` LIMIT %d`, q.Limit)
	}
	rows, err := db.r.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return fmt.Errorf("storage: search stories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st storyline.Story
		var cats string
		var feeds sql.NullString
		var published, firstSeen int64
		var sources int
		err := rows.Scan(&st.ID, &st.Canonical, &st.URL, &st.Source, &st.Title, &st.Summary, &st.Content, &st.Author,
			&cats, &published, &firstSeen, &st.Feed, &st.Backlog, &st.DuplicateOf, &st.Storyline, &feeds, &sources)
		if err != nil {
			return fmt.Errorf("storage: search stories: %w", err)
		}
		st.Published, st.FirstSeen = fromUnix(published), fromUnix(firstSeen)
		if cats != "" {
			st.Categories = strings.Split(cats, "\n")
		}
		if feeds.String != "" {
			// A feed that carried the story under two keys is one feed.
			for _, f := range strings.Split(feeds.String, "\n") {
				if !slices.Contains(st.Feeds, f) {
					st.Feeds = append(st.Feeds, f)
				}
			}
		}
		if err := fn(&st, sources); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: search stories: %w", err)
	}
	return nil
}
