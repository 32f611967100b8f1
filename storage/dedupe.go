package storage

// The persisted state of package dedupe (migrations 0003, 0009): signatures
// of recent stories, document frequencies and open clusters. The index keeps
// its lookup structures in memory and only reads these tables at start and
// for a candidate's text or centroid. *Tx implements dedupe.Store.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/storyline/storyline/dedupe"
)

// prepared returns query as a statement of this transaction: the writer's
// statement, prepared once (see Tx.stmt), when it already is, else one
// prepared in the transaction.
func (tx *Tx) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := tx.stmt(query); st != nil {
		return tx.tx.StmtContext(ctx, st), nil
	}
	return tx.tx.PrepareContext(ctx, query)
}

// execPrepared and queryPrepared run a statement prepared once on the
// writer (see Tx.stmt) when it already is, else unprepared.
func (tx *Tx) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.exec(ctx, query, args...)
}

func (tx *Tx) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(query); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, query, args...)
}

// Limits are written into the statement text, not bound: SQLite re-prepares
// a statement whenever a parameter used in LIMIT is bound again.

// Lists travel as one JSON array parameter (read with json_each), so that
// each statement has one text whatever the list's length, and is prepared once.
func jsonList[T string | int64](xs []T) string {
	if len(xs) == 0 {
		return "[]" // not null, which json_each reads as one row
	}
	if ints, ok := any(xs).([]int64); ok { // the common case, without reflection
		b := make([]byte, 0, 2+20*len(ints))
		b = append(b, '[')
		for i, x := range ints {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, x, 10)
		}
		return string(append(b, ']'))
	}
	b, _ := json.Marshal(xs) // cannot fail for strings
	return string(b)
}

// LoadDedupe reads the persisted dedupe index: the signatures of stories
// published at or after near, the clusters updated at or after clusters
// (without centroids), and every term count.
func (tx *Tx) LoadDedupe(ctx context.Context, near, clusters time.Time) (dedupe.Snapshot, error) {
	snap := dedupe.Snapshot{Terms: map[int64]int64{}}
	err := tx.each(ctx, `SELECT f.story_id, f.published, f.signature, COALESCE(s.duplicate_of, 0), COALESCE(s.storyline, 0)
		FROM dedupe_fingerprints f JOIN stories s ON s.id = f.story_id WHERE f.published >= ?
		ORDER BY f.story_id`, []any{unix(near)}, func(rows *sql.Rows) error {
		var r dedupe.StoredSignature
		var published int64
		var sig []byte
		if err := rows.Scan(&r.StoryID, &published, &sig, &r.DuplicateOf, &r.Storyline); err != nil {
			return err
		}
		r.Published, r.Signature = fromUnix(published), decodeSignature(sig)
		snap.Signatures = append(snap.Signatures, r)
		return nil
	})
	if err == nil {
		err = tx.each(ctx, `SELECT id, size, started, updated, terms FROM dedupe_clusters WHERE updated >= ? ORDER BY id`,
			[]any{unix(clusters)}, func(rows *sql.Rows) error {
				var c dedupe.StoryCluster
				var started, updated int64
				var terms string
				if err := rows.Scan(&c.ID, &c.Size, &started, &updated, &terms); err != nil {
					return err
				}
				c.Started, c.Updated = fromUnix(started), fromUnix(updated)
				if err := json.Unmarshal([]byte(terms), &c.Terms); err != nil {
					return fmt.Errorf("cluster %d: terms: %w", c.ID, err)
				}
				snap.Clusters = append(snap.Clusters, c)
				return nil
			})
	}
	if err == nil {
		err = tx.each(ctx, `SELECT term, df FROM dedupe_terms`, nil, func(rows *sql.Rows) error {
			var k, df int64
			if err := rows.Scan(&k, &df); err != nil {
				return err
			}
			snap.Terms[k] = df
			return nil
		})
	}
	if err != nil {
		return snap, fmt.Errorf("storage: load dedupe index: %w", err)
	}
	return snap, nil
}

// each runs a query in the transaction and calls fn for each row.
func (tx *Tx) each(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.queryPrepared(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// NearTexts returns the title, summary and source of the stories ids that
// are still stored, in the order of ids.
func (tx *Tx) NearTexts(ctx context.Context, ids []int64) ([]dedupe.NearText, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out, err := tx.nearTexts(ctx, `SELECT s.id, s.title, s.summary, s.source
		FROM json_each(?) j JOIN stories s ON s.id = j.value ORDER BY j.key`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("storage: near texts: %w", err)
	}
	return out, nil
}

// nearTexts reads the rows of a query of id, title, summary and source.
func (tx *Tx) nearTexts(ctx context.Context, query string, args ...any) ([]dedupe.NearText, error) {
	var out []dedupe.NearText
	err := tx.each(ctx, query, args, func(rows *sql.Rows) error {
		var t dedupe.NearText
		if err := rows.Scan(&t.ID, &t.Title, &t.Summary, &t.Source); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// AddFingerprints records stories' MinHash signatures, in one statement.
func (tx *Tx) AddFingerprints(ctx context.Context, sigs []dedupe.StoredSignature) error {
	if len(sigs) == 0 {
		return nil
	}
	rows := make([][3]any, len(sigs))
	for i, s := range sigs {
		rows[i] = [3]any{s.StoryID, unix(s.Published), hex.EncodeToString(encodeSignature(s.Signature))}
	}
	b, err := json.Marshal(rows)
	if err == nil {
		_, err = tx.execPrepared(ctx, `INSERT INTO dedupe_fingerprints(story_id, published, signature)
			SELECT value->>0, value->>1, unhex(value->>2) FROM json_each(?) WHERE true
			ON CONFLICT(story_id) DO NOTHING`, string(b))
	}
	if err != nil {
		return fmt.Errorf("storage: add fingerprints: %w", err)
	}
	return nil
}

// AddTermCounts adds to the document frequencies of terms, by term key.
func (tx *Tx) AddTermCounts(ctx context.Context, delta map[int64]int64) error {
	if len(delta) == 0 {
		return nil
	}
	pairs := make([][2]int64, 0, len(delta))
	for k, d := range delta {
		pairs = append(pairs, [2]int64{k, d})
	}
	// In key order the upserts walk the table's b-tree once, left to right.
	slices.SortFunc(pairs, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	b, _ := json.Marshal(pairs) // cannot fail for integers
	_, err := tx.execPrepared(ctx, `INSERT INTO dedupe_terms(term, df)
		SELECT value->>0, value->>1 FROM json_each(?) WHERE true
		ON CONFLICT(term) DO UPDATE SET df = df + excluded.df`, string(b))
	if err != nil {
		return fmt.Errorf("storage: count terms: %w", err)
	}
	return nil
}

// ProcessedAfter returns the text of the stories after id, in id order,
// that the dedupe index has processed (they have a storyline).
func (tx *Tx) ProcessedAfter(ctx context.Context, id int64) ([]dedupe.NearText, error) {
	out, err := tx.nearTexts(ctx, `SELECT id, title, summary, source FROM stories WHERE id > ? AND storyline IS NOT NULL ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: stories after %d: %w", id, err)
	}
	return out, nil
}

// Clusters returns the clusters ids (with their centroids) that are still
// indexed, in the order of ids.
func (tx *Tx) Clusters(ctx context.Context, ids []int64) ([]dedupe.StoryCluster, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []dedupe.StoryCluster
	err := tx.each(ctx, `SELECT c.id, c.size, c.started, c.updated, c.centroid
		FROM json_each(?) j JOIN dedupe_clusters c ON c.id = j.value ORDER BY j.key`, []any{jsonList(ids)}, func(rows *sql.Rows) error {
		c, err := scanCluster(rows)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: clusters: %w", err)
	}
	return out, nil
}

// SaveClusters creates or replaces clusters.
func (tx *Tx) SaveClusters(ctx context.Context, cs []dedupe.StoryCluster) error {
	for _, c := range cs {
		terms := c.Terms
		if terms == nil {
			terms = []int64{}
		}
		_, err := tx.execPrepared(ctx, `INSERT INTO dedupe_clusters(id, size, started, updated, centroid, terms)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size,
			started = excluded.started, updated = excluded.updated, centroid = excluded.centroid, terms = excluded.terms`,
			c.ID, c.Size, unix(c.Started), unix(c.Updated), encodeCentroid(c.Centroid), jsonList(terms))
		if err != nil {
			return fmt.Errorf("storage: save cluster %d: %w", c.ID, err)
		}
	}
	return nil
}

// SetStoryline records a story's near-duplicate original (0 for none) and
// its cluster (0 for none).
func (tx *Tx) SetStoryline(ctx context.Context, storyID, duplicateOf, cluster int64) error {
	res, err := tx.execPrepared(ctx, `UPDATE stories SET duplicate_of = NULLIF(?, 0), storyline = NULLIF(?, 0)
		WHERE id = ?`, duplicateOf, cluster, storyID)
	if err != nil {
		return fmt.Errorf("storage: set storyline of story %d: %w", storyID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("storage: set storyline: no story %d", storyID)
	}
	return nil
}

// PruneDedupe drops the fingerprints of stories published before
// fingerprints and the clusters last updated before clusters.
func (tx *Tx) PruneDedupe(ctx context.Context, fingerprints, clusters time.Time) error {
	for _, s := range []struct {
		q   string
		arg int64
	}{
		{`DELETE FROM dedupe_fingerprints WHERE published < ?`, unix(fingerprints)},
		{`DELETE FROM dedupe_clusters WHERE updated < ?`, unix(clusters)},
	} {
		if _, err := tx.execPrepared(ctx, s.q, s.arg); err != nil {
			return fmt.Errorf("storage: prune dedupe index: %w", err)
		}
	}
	return nil
}

func scanCluster(row interface{ Scan(...any) error }) (dedupe.StoryCluster, error) {
	var c dedupe.StoryCluster
	var started, updated int64
	var blob []byte
	if err := row.Scan(&c.ID, &c.Size, &started, &updated, &blob); err != nil {
		return c, err
	}
	c.Started, c.Updated = fromUnix(started), fromUnix(updated)
	var err error
	if c.Centroid, err = decodeCentroid(blob); err != nil {
		return c, fmt.Errorf("cluster %d: %w", c.ID, err)
	}
	return c, nil
}

func encodeSignature(sig []uint32) []byte {
	b := make([]byte, 0, 4*len(sig))
	for _, x := range sig {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

func decodeSignature(b []byte) []uint32 {
	if len(b) == 0 || len(b)%4 != 0 {
		return nil
	}
	sig := make([]uint32, len(b)/4)
	for i := range sig {
		sig[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return sig
}

// A centroid is stored as a version byte (1), then per term its length
// (uvarint), its bytes and its weight (float32, little endian): compact, and
// read in one pass without a parser.
const centroidVersion = 1

func encodeCentroid(c []dedupe.TermWeight) []byte {
	n := 1
	for _, tw := range c {
		n += binary.MaxVarintLen32 + len(tw.Term) + 4
	}
	b := make([]byte, 1, n)
	b[0] = centroidVersion
	for _, tw := range c {
		b = binary.AppendUvarint(b, uint64(len(tw.Term)))
		b = append(b, tw.Term...)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(tw.Weight)))
	}
	return b
}

func decodeCentroid(b []byte) ([]dedupe.TermWeight, error) {
	if len(b) == 0 || b[0] != centroidVersion {
		return nil, errors.New("unknown centroid encoding")
	}
	// One string holds every term, sliced: one allocation per centroid.
	all := string(b[1:])
	var out []dedupe.TermWeight
	for i := 0; i < len(all); {
		n, k := binary.Uvarint([]byte(all[i:min(len(all), i+binary.MaxVarintLen64)]))
		if k <= 0 || uint64(len(all)-i-k) < n+4 {
			return nil, errors.New("truncated centroid")
		}
		i += k
		term := all[i : i+int(n)]
		w := math.Float32frombits(binary.LittleEndian.Uint32([]byte(all[i+int(n) : i+int(n)+4])))
		out = append(out, dedupe.TermWeight{Term: term, Weight: float64(w)})
		i += int(n) + 4
	}
	return out, nil
}

// DedupeIndexStats counts the rows of the dedupe indexes (Terms leaves out
// the row of key 0, which marks how far the counts go), for metrics and
// benchmarks: they should stay bounded by the time window however many
// stories are stored.
type DedupeIndexStats struct {
	Fingerprints, Clusters, Terms int64
}

// DedupeIndexStats returns the current sizes of the dedupe indexes.
func (db *DB) DedupeIndexStats(ctx context.Context) (DedupeIndexStats, error) {
	var s DedupeIndexStats
	err := db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM dedupe_fingerprints),
		(SELECT count(*) FROM dedupe_clusters), (SELECT count(*) FROM dedupe_terms WHERE term <> 0)`).Scan(
		&s.Fingerprints, &s.Clusters, &s.Terms)
	if err != nil {
		return s, fmt.Errorf("storage: dedupe index stats: %w", err)
	}
	return s, nil
}
