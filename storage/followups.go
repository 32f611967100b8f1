package storage

// Follow-up linking (migration 0002): anticipated events, the index of
// stories reporting outcomes, and the links. *Tx implements followup.Store
// inside the pipeline's transaction; (*DB).Threads reads them back.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/followup"
)

// Statements go through the transaction's prepared-statement cache
// (tx.prepared): the linker runs the same few for every story.

const anticipationColumns = `e.id, e.story_id, e.published, e.summary, e.actors, e.action, e.class,
	e.win_from, e.win_to, e.evidence, e.terms, e.root`

func scanAnticipation(row interface{ Scan(...any) error }) (storyline.Anticipation, error) {
	var a storyline.Anticipation
	var pub, from, to int64
	var actors, terms string
	if err := row.Scan(&a.ID, &a.StoryID, &pub, &a.Summary, &actors, &a.Action, &a.Class, &from, &to, &a.Evidence, &terms, &a.Root); err != nil {
		return a, err
	}
	a.Published, a.From, a.To = fromUnix(pub), fromUnix(from), fromUnix(to)
	if err := json.Unmarshal([]byte(actors), &a.Actors); err != nil {
		return a, fmt.Errorf("actors of event %d: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(terms), &a.Terms); err != nil {
		return a, fmt.Errorf("terms of event %d: %w", a.ID, err)
	}
	return a, nil
}

// SaveAnticipation stores an anticipated event of a stored story, indexed
// under its keys (a.IndexKeys) until openUntil (the last time a story can
// report its outcome), and sets a.ID.
func (tx *Tx) SaveAnticipation(ctx context.Context, a *storyline.Anticipation, openUntil time.Time) error {
	actors, err := json.Marshal(a.Actors)
	if err != nil {
		return fmt.Errorf("storage: anticipation actors: %w", err)
	}
	st, err := tx.prepared(ctx, `INSERT INTO followup_events(story_id, published, summary, actors, action,
		class, win_from, win_to, open_until, evidence, terms, root) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return fmt.Errorf("storage: save anticipation: %w", err)
	}
	err = st.QueryRowContext(ctx, a.StoryID, unix(a.Published), a.Summary, string(actors), a.Action, a.Class, unix(a.From), unix(a.To),
		unix(openUntil), a.Evidence, jsonList(a.Terms), a.Root).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("storage: save anticipation: %w", err)
	}
	_, err = tx.execPrepared(ctx, `INSERT OR IGNORE INTO followup_event_keys(class, key, open_until, event_id)
		SELECT '', value, ?, ? FROM json_each(?)`, unix(openUntil), a.ID, jsonList(a.IndexKeys()))
	if err != nil {
		return fmt.Errorf("storage: index anticipation: %w", err)
	}
	if a.Root != 0 {
		return tx.extendEvent(ctx, a.Root, openUntil, a.From, a.To)
	}
	return nil
}

// extendEvent keeps event id open until at least openUntil (retention
// keeps it, and with it its links, while an announcement of it is open),
// and gives it the window from..to if it has none (its status and the
// digests' upcoming section go by it). Its index rows stay as they are:
// the announcement's own rows find it.
func (tx *Tx) extendEvent(ctx context.Context, id int64, openUntil, from, to time.Time) error {
	_, err := tx.execPrepared(ctx, `UPDATE followup_events SET open_until = max(open_until, ?2),
		win_from = CASE WHEN win_to = 0 AND ?4 > 0 THEN ?3 ELSE win_from END,
		win_to = CASE WHEN win_to = 0 AND ?4 > 0 THEN ?4 ELSE win_to END WHERE id = ?1`,
		id, unix(openUntil), unix(from), unix(to))
	if err != nil {
		return fmt.Errorf("storage: extend event %d: %w", id, err)
	}
	return nil
}

// AnticipationCandidates returns up to limit anticipations indexed under
// one of keys, published at or before at and still open at at:
// the events a story published at at may report on, those indexed under
// most of the keys first, then the newest.
func (tx *Tx) AnticipationCandidates(ctx context.Context, keys []string, at time.Time, limit int) ([]storyline.Anticipation, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := tx.queryPrepared(ctx, `SELECT `+anticipationColumns+` FROM followup_events e
		JOIN (SELECT k.event_id, count(*) AS n FROM followup_event_keys k
			WHERE k.class = '' AND k.key IN (SELECT DISTINCT value FROM json_each(?1)) AND k.open_until >= ?2
			GROUP BY k.event_id) m ON m.event_id = e.id
		WHERE e.published <= ?2
		ORDER BY m.n DESC, e.published DESC, e.id DESC LIMIT `+fmt.Sprint(max(limit, 1)),
		jsonList(keys), unix(at))
	if err != nil {
		return nil, fmt.Errorf("storage: anticipation candidates: %w", err)
	}
	defer rows.Close()
	var out []storyline.Anticipation
	for rows.Next() {
		a, err := scanAnticipation(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: anticipation candidates: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveOutcomeKeys records the keys (terms) under which a story that may
// report outcomes is indexed: one row per story, written together with the
// others of the transaction by the next OutcomeCandidates or before it
// commits (one statement for many stories costs a fraction of one each).
func (tx *Tx) SaveOutcomeKeys(ctx context.Context, storyID int64, published time.Time, keys []string) error {
	if len(keys) > 0 {
		tx.outcomes = append(tx.outcomes, outcomeRow{storyID, unix(published), keys})
	}
	return nil
}

// outcomeRow is a row of followup_outcomes.
type outcomeRow struct {
	storyID, published int64
	keys               []string
}

func (r outcomeRow) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{r.storyID, r.published, jsonList(r.keys)})
}

// flushOutcomes writes the outcome rows SaveOutcomeKeys gathered.
func (tx *Tx) flushOutcomes(ctx context.Context) error {
	if len(tx.outcomes) == 0 {
		return nil
	}
	rows, err := json.Marshal(tx.outcomes)
	if err != nil {
		return fmt.Errorf("storage: index outcomes: %w", err)
	}
	_, err = tx.execPrepared(ctx, `INSERT OR IGNORE INTO followup_outcomes(story_id, published, keys)
		SELECT value->>0, value->>1, value->>2 FROM json_each(?)`, string(rows))
	if err != nil {
		return fmt.Errorf("storage: index outcomes: %w", err)
	}
	tx.outcomes = tx.outcomes[:0]
	return nil
}

// OutcomeCandidates returns up to limit ids of stories published in
// [from, to] indexed under one of keys, those under most of the keys
// first, then in id order. The linker asks the database only
// for windows its memory does not cover, so this reads the outcome rows
// of the whole window: a plain search of each row's text for the keys
// passes over most of them before their JSON is read.
func (tx *Tx) OutcomeCandidates(ctx context.Context, keys []string, from, to time.Time, limit int) ([]int64, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if err := tx.flushOutcomes(ctx); err != nil {
		return nil, err
	}
	args := []any{jsonList(keys), unix(from), unix(to)}
	var quick strings.Builder
	if !slices.ContainsFunc(keys, func(k string) bool { return !plainKey(k) }) {
		for i, k := range keys {
			if i == 0 {
				quick.WriteString(" AND (")
			} else {
				quick.WriteString(" OR ")
			}
			fmt.Fprintf(&quick, "instr(o.keys, ?%d) > 0", len(args)+1)
			quoted := jsonList([]string{k})
			args = append(args, quoted[1:len(quoted)-1]) // `"key"`
		}
		quick.WriteString(")")
	}
	var ids []int64
	err := tx.each(ctx, `SELECT o.story_id FROM followup_outcomes o INDEXED BY followup_outcomes_published, json_each(o.keys) k
		WHERE o.published BETWEEN ?2 AND ?3`+quick.String()+`
		AND k.value IN (SELECT DISTINCT value FROM json_each(?1))
		GROUP BY o.story_id ORDER BY count(DISTINCT k.value) DESC, o.story_id LIMIT `+fmt.Sprint(max(limit, 1)), args, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: outcome candidates: %w", err)
	}
	return ids, nil
}

// plainKey reports whether key is written the same in JSON by Go and by
// SQLite (which escape <, >, &, control characters and invalid UTF-8
// differently), so that its JSON text can be searched for.
func plainKey(key string) bool {
	return utf8.ValidString(key) && !strings.ContainsFunc(key, func(r rune) bool {
		return r < 0x20 || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029 || r == 0x7f
	})
}

// LoadFollowup reads the follow-up candidate index as stored: the
// anticipations open at or after since, and the outcome keys of the
// stories published at or after since.
func (tx *Tx) LoadFollowup(ctx context.Context, since time.Time) (followup.Snapshot, error) {
	var snap followup.Snapshot
	if err := tx.flushOutcomes(ctx); err != nil {
		return snap, err
	}
	err := tx.each(ctx, `SELECT `+anticipationColumns+`, e.open_until FROM followup_events e
		WHERE e.open_until >= ? ORDER BY e.id`, []any{unix(since)}, func(rows *sql.Rows) error {
		var o followup.OpenAnticipation
		var open int64
		a, err := scanAnticipation(scanner(func(dest ...any) error { return rows.Scan(append(dest, &open)...) }))
		if err != nil {
			return err
		}
		o.Anticipation, o.OpenUntil = a, fromUnix(open)
		snap.Open = append(snap.Open, o)
		return nil
	})
	if err == nil {
		err = tx.each(ctx, `SELECT story_id, published, keys FROM followup_outcomes WHERE published >= ? ORDER BY story_id`,
			[]any{unix(since)}, func(rows *sql.Rows) error {
				var o followup.StoryOutcomes
				var pub int64
				var keys string
				if err := rows.Scan(&o.StoryID, &pub, &keys); err != nil {
					return err
				}
				if err := json.Unmarshal([]byte(keys), &o.Keys); err != nil {
					return fmt.Errorf("outcome keys of story %d: %w", o.StoryID, err)
				}
				o.Published = fromUnix(pub)
				snap.Outcomes = append(snap.Outcomes, o)
				return nil
			})
	}
	if err == nil {
		snap.Settled = map[int64]time.Time{}
		err = tx.each(ctx, `SELECT l.event_id, min(s.published) FROM followup_links l
			JOIN followup_events e ON e.id = l.event_id JOIN stories s ON s.id = l.story_id
			WHERE e.open_until >= ? AND e.root = 0 GROUP BY l.event_id`, []any{unix(since)}, func(rows *sql.Rows) error {
			var id, pub int64
			if err := rows.Scan(&id, &pub); err != nil {
				return err
			}
			snap.Settled[id] = fromUnix(pub)
			return nil
		})
	}
	if err == nil {
		snap.CalledOff = map[int64]time.Time{}
		err = tx.each(ctx, `SELECT l.event_id, min(s.published) FROM followup_links l
			JOIN followup_events e ON e.id = l.event_id JOIN stories s ON s.id = l.story_id
			WHERE e.open_until >= ? AND e.root = 0 AND l.relation = 'cancelled' GROUP BY l.event_id`, []any{unix(since)}, func(rows *sql.Rows) error {
			var id, pub int64
			if err := rows.Scan(&id, &pub); err != nil {
				return err
			}
			snap.CalledOff[id] = fromUnix(pub)
			return nil
		})
	}
	if err != nil {
		return snap, fmt.Errorf("storage: load follow-up index: %w", err)
	}
	return snap, nil
}

// FollowupStories returns the stories with the given ids, with the fields
// follow-up matching reads (id, link, text, times).
func (tx *Tx) FollowupStories(ctx context.Context, ids []int64) ([]storyline.Story, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := tx.queryPrepared(ctx, `SELECT id, url, link, title, summary, content, published, first_seen,
		COALESCE(duplicate_of, 0) FROM stories WHERE id IN (SELECT value FROM json_each(?)) ORDER BY published, id`,
		jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: follow-up stories: %w", err)
	}
	defer rows.Close()
	var out []storyline.Story
	for rows.Next() {
		var s storyline.Story
		var pub, seen int64
		if err := rows.Scan(&s.ID, &s.Canonical, &s.URL, &s.Title, &s.Summary, &s.Content, &pub, &seen, &s.DuplicateOf); err != nil {
			return nil, fmt.Errorf("storage: follow-up stories: %w", err)
		}
		s.Published, s.FirstSeen = fromUnix(pub), fromUnix(seen)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveFollowupLink links an anticipation to an outcome story; a second link
// of the same pair keeps the higher score. A link to an event retention
// has pruned meanwhile (the linker's memory may still hold it) is dropped.
func (tx *Tx) SaveFollowupLink(ctx context.Context, l storyline.FollowupLink) error {
	_, err := tx.execPrepared(ctx, `INSERT INTO followup_links(event_id, story_id, relation, score, explanation)
		SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM followup_events WHERE id = ?1)
		ON CONFLICT(event_id, story_id) DO UPDATE SET relation = excluded.relation,
		score = excluded.score, explanation = excluded.explanation WHERE excluded.score > followup_links.score`,
		l.AnticipationID, l.StoryID, string(l.Relation), l.Score, l.Explanation)
	if err != nil {
		return fmt.Errorf("storage: save follow-up link: %w", err)
	}
	return nil
}

// MergeEvents makes event from, and the events announcing it again, part
// of event into: their links move to into (a link into already has keeps
// the higher score), and into stays open as long as from would have.
func (tx *Tx) MergeEvents(ctx context.Context, into, from int64) error {
	var open, wfrom, wto int64
	if err := tx.queryRow(ctx, `SELECT open_until, win_from, win_to FROM followup_events WHERE id = ?`, from).Scan(&open, &wfrom, &wto); err != nil {
		return fmt.Errorf("storage: merge events: %w", err)
	}
	if err := tx.extendEvent(ctx, into, fromUnix(open), fromUnix(wfrom), fromUnix(wto)); err != nil {
		return err
	}
	// Two statements, each on its index (root's is partial: root > 0).
	if _, err := tx.execPrepared(ctx, `UPDATE followup_events SET root = ?1 WHERE id = ?2`, into, from); err != nil {
		return fmt.Errorf("storage: merge events: %w", err)
	}
	if _, err := tx.execPrepared(ctx, `UPDATE followup_events SET root = ?1 WHERE root = ?2 AND root > 0`, into, from); err != nil {
		return fmt.Errorf("storage: merge events: %w", err)
	}
	_, err := tx.execPrepared(ctx, `INSERT INTO followup_links(event_id, story_id, relation, score, explanation)
		SELECT ?1, story_id, relation, score, explanation FROM followup_links WHERE event_id = ?2 AND true -- (WHERE before ON CONFLICT: SQLite's upsert from a SELECT)
		ON CONFLICT(event_id, story_id) DO UPDATE SET relation = excluded.relation,
		score = excluded.score, explanation = excluded.explanation WHERE excluded.score > followup_links.score`, into, from)
	if err == nil {
		_, err = tx.execPrepared(ctx, `DELETE FROM followup_links WHERE event_id = ?`, from)
	}
	if err != nil {
		return fmt.Errorf("storage: merge event links: %w", err)
	}
	return nil
}

// ThreadFilter selects threads to read.
type ThreadFilter struct {
	Since time.Time // anticipations published at or after; zero for all
	Limit int       // newest first when set; 0 for all
	ID    int64     // only the event with this id, when not 0
	IDs   []int64   // only these events, when not nil
}

// ViewSections picks, among the events announced since, the ones a page
// of limited sections shows, at most limit each: without an outcome and
// expected from today on (soonest first) or with no date (newest first),
// with an outcome (latest first resolved), and without an outcome whose
// date passed (latest first). The caller reads them with Threads(IDs) and
// computes their status: only these few rows are read.
func (db *DB) ViewSections(ctx context.Context, since, today time.Time, limit int) ([]int64, error) {
	noOutcome := `NOT EXISTS (SELECT 1 FROM followup_links l WHERE l.event_id = e.id)`
	queries := []string{
		`SELECT e.id FROM followup_events e WHERE e.root = 0 AND e.published >= ?1 AND e.win_to >= ?2 AND ` + noOutcome + `
			ORDER BY e.win_from, e.id LIMIT ?3`,
		`SELECT e.id FROM followup_events e WHERE e.root = 0 AND e.published >= ?1 AND e.win_to = 0 AND ` + noOutcome + `
			ORDER BY e.published DESC, e.id DESC LIMIT ?3`,
		`SELECT e.id FROM followup_events e JOIN followup_links l ON l.event_id = e.id JOIN stories s ON s.id = l.story_id
			WHERE e.root = 0 AND e.published >= ?1 GROUP BY e.id ORDER BY min(s.published) DESC, e.id DESC LIMIT ?3`,
		`SELECT e.id FROM followup_events e WHERE e.root = 0 AND e.published >= ?1 AND e.win_to > 0 AND e.win_to < ?2 AND ` + noOutcome + `
			ORDER BY e.win_to DESC, e.id DESC LIMIT ?3`,
	}
	var ids []int64
	for _, q := range queries {
		rows, err := db.r.QueryContext(ctx, q, unix(since), unix(today), limit)
		if err != nil {
			return nil, fmt.Errorf("storage: view sections: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: view sections: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("storage: view sections: %w", err)
		}
	}
	return ids, nil
}

// Threads returns anticipated events with their story and linked outcomes,
// in the anticipating stories' publication order (the newest Limit when
// set). Statuses depend on the clock and are computed by the caller
// (followup.Threads).
func (db *DB) Threads(ctx context.Context, f ThreadFilter) ([]storyline.Thread, error) {
	q := `SELECT ` + anticipationColumns + `, s.id, CASE WHEN s.link <> '' THEN s.link ELSE s.url END, s.title, s.published
		FROM followup_events e JOIN stories s ON s.id = e.story_id WHERE e.published >= ? AND e.root = 0 AND (?2 = 0 OR e.id = ?2)
		AND (?3 IS NULL OR e.id IN (SELECT value FROM json_each(?3)))`
	if f.Limit > 0 {
		q = `SELECT * FROM (` + q + ` ORDER BY e.published DESC, e.id DESC LIMIT ` + fmt.Sprint(f.Limit) + `)`
	}
	q += ` ORDER BY 3, 1`
	var only any // NULL: every event
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		only = jsonList(f.IDs)
	}
	rows, err := db.r.QueryContext(ctx, q, unix(f.Since), f.ID, only)
	if err != nil {
		return nil, fmt.Errorf("storage: threads: %w", err)
	}
	var out []storyline.Thread
	index := map[int64]int{}
	for rows.Next() {
		var t storyline.Thread
		var pub int64
		a, err := scanAnticipation(scanner(func(dest ...any) error {
			return rows.Scan(append(dest, &t.Story.ID, &t.Story.URL, &t.Story.Title, &pub)...)
		}))
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: threads: %w", err)
		}
		t.Anticipation = a
		t.Story.Published = fromUnix(pub)
		index[a.ID] = len(out)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("storage: threads: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(out))
	for _, t := range out {
		ids = append(ids, t.Anticipation.ID)
	}
	arows, err := db.r.QueryContext(ctx, `SELECT e.root, s.id, CASE WHEN s.link <> '' THEN s.link ELSE s.url END,
		s.title, s.published FROM followup_events e JOIN stories s ON s.id = e.story_id
		WHERE e.root IN (SELECT value FROM json_each(?)) AND e.root > 0 ORDER BY s.published, s.id`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: thread announcements: %w", err)
	}
	for arows.Next() {
		var root, pub int64
		var r storyline.StoryRef
		if err := arows.Scan(&root, &r.ID, &r.URL, &r.Title, &pub); err != nil {
			arows.Close()
			return nil, fmt.Errorf("storage: thread announcements: %w", err)
		}
		r.Published = fromUnix(pub)
		t := &out[index[root]]
		if r.ID != t.Story.ID && !slices.ContainsFunc(t.Announcements, func(x storyline.StoryRef) bool { return x.ID == r.ID }) {
			t.Announcements = append(t.Announcements, r)
		}
	}
	arows.Close()
	if err := arows.Err(); err != nil {
		return nil, fmt.Errorf("storage: thread announcements: %w", err)
	}
	lrows, err := db.r.QueryContext(ctx, `SELECT l.event_id, s.id, CASE WHEN s.link <> '' THEN s.link ELSE s.url END,
		s.title, s.published, l.relation, l.score, l.explanation
		FROM followup_links l JOIN stories s ON s.id = l.story_id
		WHERE l.event_id IN (SELECT value FROM json_each(?)) ORDER BY s.published, s.id`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: thread outcomes: %w", err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var ev, pub int64
		var o storyline.ThreadOutcome
		var rel string
		if err := lrows.Scan(&ev, &o.Story.ID, &o.Story.URL, &o.Story.Title, &pub, &rel, &o.Score, &o.Explanation); err != nil {
			return nil, fmt.Errorf("storage: thread outcomes: %w", err)
		}
		o.Story.Published = fromUnix(pub)
		o.Relation = storyline.Relation(rel)
		if i, ok := index[ev]; ok {
			out[i].Outcomes = append(out[i].Outcomes, o)
		}
	}
	return out, lrows.Err()
}

// scanner adapts a function to the Scan method scanAnticipation expects.
type scanner func(dest ...any) error

func (f scanner) Scan(dest ...any) error { return f(dest...) }

// DigestEvents returns, for digest composition (notify.EventTx), the
// events with an outcome story above afterID, those anticipated by a story
// above afterID, and the pending ones (no outcome yet) expected between from
// and to. Status is happened, cancelled or postponed from the links, else
// pending: overdue depends on the clock and is the composer's to judge.
// Outcome is the first outcome story above afterID, else the first one.
func (tx *Tx) DigestEvents(ctx context.Context, afterID int64, from, to time.Time) ([]storyline.DigestEvent, error) {
	rows, err := tx.queryPrepared(ctx, `SELECT e.id, e.summary, e.win_to, e.story_id FROM followup_events e
		WHERE e.root = 0 AND e.id IN (SELECT event_id FROM followup_links WHERE story_id > ?1
			UNION SELECT CASE WHEN root > 0 THEN root ELSE id END FROM followup_events WHERE story_id > ?1
			UNION SELECT id FROM followup_events x WHERE win_to > 0 AND win_to BETWEEN ?2 AND ?3
				AND NOT EXISTS (SELECT 1 FROM followup_links l WHERE l.event_id = x.id))
		ORDER BY e.id`, afterID, unix(from), unix(to))
	if err != nil {
		return nil, fmt.Errorf("storage: digest events: %w", err)
	}
	var out []storyline.DigestEvent
	var ids, storyIDs []int64
	for rows.Next() {
		var e storyline.DigestEvent
		var exp int64
		if err := rows.Scan(&e.ID, &e.Summary, &exp, &e.Anticipation.ID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: digest events: %w", err)
		}
		e.Expected = fromUnix(exp)
		e.Status = string(storyline.Pending)
		out = append(out, e)
		ids = append(ids, e.ID)
		storyIDs = append(storyIDs, e.Anticipation.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: digest events: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	type linkRow struct {
		story    int64
		relation string
	}
	links := map[int64][]linkRow{}
	lrows, err := tx.queryPrepared(ctx, `SELECT l.event_id, l.story_id, l.relation FROM followup_links l
		JOIN stories s ON s.id = l.story_id WHERE l.event_id IN (SELECT value FROM json_each(?))
		ORDER BY s.published, s.id`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: digest event outcomes: %w", err)
	}
	for lrows.Next() {
		var ev int64
		var l linkRow
		if err := lrows.Scan(&ev, &l.story, &l.relation); err != nil {
			lrows.Close()
			return nil, fmt.Errorf("storage: digest event outcomes: %w", err)
		}
		links[ev] = append(links[ev], l)
		storyIDs = append(storyIDs, l.story)
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return nil, fmt.Errorf("storage: digest event outcomes: %w", err)
	}
	refs, err := tx.digestRefs(ctx, storyIDs)
	if err != nil {
		return nil, err
	}
	for i := range out {
		e := &out[i]
		e.Anticipation = refs[e.Anticipation.ID]
		var chosen *linkRow
		for k, l := range links[e.ID] {
			if l.relation == string(storyline.Happened) {
				e.Status = string(storyline.StatusHappened)
			} else if e.Status != string(storyline.StatusHappened) {
				e.Status = l.relation // the latest cancellation or postponement
			}
			if chosen == nil || chosen.story <= afterID && l.story > afterID {
				chosen = &links[e.ID][k]
			}
		}
		if chosen != nil {
			e.Outcome = refs[chosen.story]
			e.Relation = chosen.relation
		}
	}
	return out, nil
}

// digestRefs reads the stories a digest links, with their feed and topics.
func (tx *Tx) digestRefs(ctx context.Context, ids []int64) (map[int64]storyline.DigestRef, error) {
	rows, err := tx.queryPrepared(ctx, `SELECT s.id, CASE WHEN s.link <> '' THEN s.link ELSE s.url END, s.title,
		f.name, s.source, s.published, COALESCE((SELECT group_concat(topic, char(10)) FROM
			(SELECT topic FROM story_topics t WHERE t.story_id = s.id ORDER BY topic)), '')
		FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE s.id IN (SELECT value FROM json_each(?))`,
		jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: digest stories: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]storyline.DigestRef, len(ids))
	for rows.Next() {
		var r storyline.DigestRef
		var pub int64
		var topics string
		if err := rows.Scan(&r.ID, &r.URL, &r.Title, &r.Feed, &r.Source, &pub, &topics); err != nil {
			return nil, fmt.Errorf("storage: digest stories: %w", err)
		}
		r.Published = fromUnix(pub)
		if topics != "" {
			r.Topics = strings.Split(topics, "\n")
		}
		out[r.ID] = r
	}
	return out, rows.Err()
}

// CalendarEvent is a dated root event with what a calendar shows of it.
type CalendarEvent struct {
	Anticipation storyline.Anticipation // ID, Published, Summary, From, To
	Story        storyline.StoryRef     // the announcing story (ID, URL, Title)
	Outcomes     []storyline.ThreadOutcome
}

// CalendarEvents returns the dated events announced since, with their
// announcing story and outcomes, in one lean query (no actors, terms or
// other announcements): a calendar of thousands of events reads fast.
func (db *DB) CalendarEvents(ctx context.Context, since time.Time) ([]*CalendarEvent, error) {
	// Two plain queries, outcomes joined in Go: aggregating them as JSON
	// in SQL and decoding it took as long as the rest of the calendar.
	// A link stored between the two reads is an outcome the calendar
	// shows a little early; one to an event it did not read is skipped.
	const events = `FROM followup_events e WHERE e.published >= ? AND e.root = 0 AND e.win_to > 0`
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, e.published, e.summary, e.win_from, e.win_to,
		s.id, CASE WHEN s.link <> '' THEN s.link ELSE s.url END, s.title
		`+strings.Replace(events, "e WHERE", "e JOIN stories s ON s.id = e.story_id WHERE", 1), unix(since)) // a calendar has no order: no sort
	if err != nil {
		return nil, fmt.Errorf("storage: calendar: %w", err)
	}
	defer rows.Close()
	var out []*CalendarEvent
	at := map[int64]*CalendarEvent{}
	for rows.Next() {
		c := new(CalendarEvent)
		var pub, from, to int64
		if err := rows.Scan(&c.Anticipation.ID, &pub, &c.Anticipation.Summary, &from, &to,
			&c.Story.ID, &c.Story.URL, &c.Story.Title); err != nil {
			return nil, fmt.Errorf("storage: calendar: %w", err)
		}
		c.Anticipation.Published, c.Anticipation.From, c.Anticipation.To = fromUnix(pub), fromUnix(from), fromUnix(to)
		at[c.Anticipation.ID] = c
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: calendar: %w", err)
	}
	rows.Close()
	links, err := db.r.QueryContext(ctx, `SELECT l.event_id, l.relation, o.id, CASE WHEN o.link <> '' THEN o.link ELSE o.url END, o.title, o.published
		FROM followup_links l JOIN stories o ON o.id = l.story_id
		WHERE l.event_id IN (SELECT e.id `+events+`)`, unix(since))
	if err != nil {
		return nil, fmt.Errorf("storage: calendar outcomes: %w", err)
	}
	defer links.Close()
	for links.Next() {
		var event, pub int64
		var o storyline.ThreadOutcome
		var rel string
		if err := links.Scan(&event, &rel, &o.Story.ID, &o.Story.URL, &o.Story.Title, &pub); err != nil {
			return nil, fmt.Errorf("storage: calendar outcomes: %w", err)
		}
		o.Relation, o.Story.Published = storyline.Relation(rel), fromUnix(pub)
		if c := at[event]; c != nil {
			c.Outcomes = append(c.Outcomes, o)
		}
	}
	if err := links.Err(); err != nil {
		return nil, fmt.Errorf("storage: calendar outcomes: %w", err)
	}
	return out, nil
}
