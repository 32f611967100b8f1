package storage

// The indexes of package dedupe (migration 0003): LSH buckets for
// near-duplicates, document frequencies, open clusters and the inverted index
// of words to clusters. *Tx implements dedupe.Store.

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// placeholders returns "(?),(?),..." style groups: n groups of group.
func placeholders(n int, group string) string {
	var b strings.Builder
	b.Grow(n * (len(group) + 1))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(group)
	}
	return b.String()
}

// NearCandidates returns stories published at or after since that share at
// least one of bands, most shared bands first, at most limit.
func (tx *Tx) NearCandidates(ctx context.Context, bands []int64, since time.Time, limit int) ([]storyline.NearCandidate, error) {
	if len(bands) == 0 || limit <= 0 {
		return nil, nil
	}
	args := make([]any, 0, len(bands)+2)
	for _, b := range bands {
		args = append(args, b)
	}
	args = append(args, unix(since), limit)
	rows, err := tx.tx.QueryContext(ctx, `SELECT s.id, s.title, s.summary, s.source, s.published,
			COALESCE(s.duplicate_of, 0), COALESCE(s.storyline, 0), x.n
		FROM (SELECT story_id, count(*) AS n FROM dedupe_bands
			WHERE band IN (`+placeholders(len(bands), "?")+`) AND published >= ?
			GROUP BY story_id ORDER BY n DESC, story_id LIMIT ?) x
		JOIN stories s ON s.id = x.story_id
		ORDER BY x.n DESC, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: near candidates: %w", err)
	}
	defer rows.Close()
	var out []storyline.NearCandidate
	for rows.Next() {
		var c storyline.NearCandidate
		var published int64
		if err := rows.Scan(&c.ID, &c.Title, &c.Summary, &c.Source, &published, &c.DuplicateOf, &c.Storyline, &c.Bands); err != nil {
			return nil, fmt.Errorf("storage: near candidates: %w", err)
		}
		c.Published = fromUnix(published)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: near candidates: %w", err)
	}
	return out, nil
}

// AddFingerprint files a story under its LSH band keys.
func (tx *Tx) AddFingerprint(ctx context.Context, storyID int64, bands []int64, published time.Time) error {
	if len(bands) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(bands))
	for _, b := range bands {
		args = append(args, b, storyID, unix(published))
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO dedupe_bands(band, story_id, published) VALUES `+
		placeholders(len(bands), "(?,?,?)")+` ON CONFLICT DO NOTHING`, args...)
	if err != nil {
		return fmt.Errorf("storage: add fingerprint of story %d: %w", storyID, err)
	}
	return nil
}

// CountTerms counts one more document holding terms (which must be
// distinct) and returns each term's document frequency, this document
// included, and the number of documents counted so far.
func (tx *Tx) CountTerms(ctx context.Context, terms []string) ([]int64, int64, error) {
	var docs int64
	if err := tx.tx.QueryRowContext(ctx, `UPDATE dedupe_counts SET value = value + 1 WHERE name = 'docs'
		RETURNING value`).Scan(&docs); err != nil {
		return nil, 0, fmt.Errorf("storage: count terms: %w", err)
	}
	if len(terms) == 0 {
		return nil, docs, nil
	}
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = t
	}
	rows, err := tx.tx.QueryContext(ctx, `INSERT INTO dedupe_terms(term, df) VALUES `+
		placeholders(len(terms), "(?,1)")+` ON CONFLICT(term) DO UPDATE SET df = df + 1 RETURNING term, df`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: count terms: %w", err)
	}
	defer rows.Close()
	byTerm := make(map[string]int64, len(terms))
	for rows.Next() {
		var t string
		var df int64
		if err := rows.Scan(&t, &df); err != nil {
			return nil, 0, fmt.Errorf("storage: count terms: %w", err)
		}
		byTerm[t] = df
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("storage: count terms: %w", err)
	}
	df := make([]int64, len(terms))
	for i, t := range terms {
		df[i] = byTerm[t]
	}
	return df, docs, nil
}

// ClusterCandidates returns clusters updated at or after since that hold
// any of terms: per term the perTerm most recently updated, then at most
// limit of those, the ones holding most of the terms first.
func (tx *Tx) ClusterCandidates(ctx context.Context, terms []string, since time.Time, perTerm, limit int) ([]storyline.StoryCluster, error) {
	if len(terms) == 0 || limit <= 0 || perTerm <= 0 {
		return nil, nil
	}
	// One bounded index range per term, so that a frequent word costs no
	// more than a rare one.
	arms := make([]string, len(terms))
	args := make([]any, 0, 3*len(terms)+1)
	for i, t := range terms {
		arms[i] = `SELECT * FROM (SELECT cluster_id, updated FROM dedupe_postings
			WHERE term = ? AND updated >= ? ORDER BY updated DESC LIMIT ?)`
		args = append(args, t, unix(since), perTerm)
	}
	args = append(args, limit)
	rows, err := tx.tx.QueryContext(ctx, `SELECT c.id, c.size, c.started, c.updated, c.centroid
		FROM (SELECT cluster_id, count(*) AS n, max(updated) AS u FROM (`+strings.Join(arms, " UNION ALL ")+`)
			GROUP BY cluster_id ORDER BY n DESC, u DESC, cluster_id LIMIT ?) x
		JOIN dedupe_clusters c ON c.id = x.cluster_id
		ORDER BY x.n DESC, x.u DESC, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: cluster candidates: %w", err)
	}
	defer rows.Close()
	var out []storyline.StoryCluster
	for rows.Next() {
		c, err := scanCluster(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: cluster candidates: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: cluster candidates: %w", err)
	}
	return out, nil
}

// Cluster returns one indexed cluster; ok is false when there is none.
func (tx *Tx) Cluster(ctx context.Context, id int64) (storyline.StoryCluster, bool, error) {
	c, err := scanCluster(tx.tx.QueryRowContext(ctx, `SELECT id, size, started, updated, centroid
		FROM dedupe_clusters WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("storage: cluster %d: %w", id, err)
	}
	return c, true, nil
}

// SaveCluster creates or replaces a cluster and files it under terms as
// updated at c.Updated.
func (tx *Tx) SaveCluster(ctx context.Context, c storyline.StoryCluster, terms []string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO dedupe_clusters(id, size, started, updated, centroid)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size,
		started = excluded.started, updated = excluded.updated, centroid = excluded.centroid`,
		c.ID, c.Size, unix(c.Started), unix(c.Updated), encodeCentroid(c.Centroid))
	if err != nil {
		return fmt.Errorf("storage: save cluster %d: %w", c.ID, err)
	}
	if len(terms) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(terms))
	for _, t := range terms {
		args = append(args, t, c.ID, unix(c.Updated))
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO dedupe_postings(term, cluster_id, updated) VALUES `+
		placeholders(len(terms), "(?,?,?)")+` ON CONFLICT(term, cluster_id) DO UPDATE
		SET updated = max(updated, excluded.updated)`, args...)
	if err != nil {
		return fmt.Errorf("storage: save cluster %d: %w", c.ID, err)
	}
	return nil
}

// SetStoryline records a story's near-duplicate original (0 for none) and
// its cluster (0 for none).
func (tx *Tx) SetStoryline(ctx context.Context, storyID, duplicateOf, cluster int64) error {
	res, err := tx.tx.ExecContext(ctx, `UPDATE stories SET duplicate_of = NULLIF(?, 0), storyline = NULLIF(?, 0)
		WHERE id = ?`, duplicateOf, cluster, storyID)
	if err != nil {
		return fmt.Errorf("storage: set storyline of story %d: %w", storyID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("storage: set storyline: no story %d", storyID)
	}
	return nil
}

// PruneDedupe drops at most limit LSH entries filed before fingerprints, and
// at most limit clusters and limit inverted-index entries last updated
// before clusters. Called a little at a time, it keeps the indexes to a
// window without ever stalling one transaction.
func (tx *Tx) PruneDedupe(ctx context.Context, fingerprints, clusters time.Time, limit int) error {
	stmts := []struct {
		q   string
		arg int64
	}{
		{`DELETE FROM dedupe_bands WHERE (band, story_id) IN
			(SELECT band, story_id FROM dedupe_bands WHERE published < ? ORDER BY published LIMIT ?)`, unix(fingerprints)},
		{`DELETE FROM dedupe_postings WHERE (term, cluster_id) IN
			(SELECT term, cluster_id FROM dedupe_postings WHERE updated < ? ORDER BY updated LIMIT ?)`, unix(clusters)},
		{`DELETE FROM dedupe_clusters WHERE id IN
			(SELECT id FROM dedupe_clusters WHERE updated < ? ORDER BY updated LIMIT ?)`, unix(clusters)},
	}
	for _, s := range stmts {
		if _, err := tx.tx.ExecContext(ctx, s.q, s.arg, limit); err != nil {
			return fmt.Errorf("storage: prune dedupe index: %w", err)
		}
	}
	return nil
}

func scanCluster(row interface{ Scan(...any) error }) (storyline.StoryCluster, error) {
	var c storyline.StoryCluster
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

// A centroid is stored as a version byte (1), then per term its length
// (uvarint), its bytes and its weight (float32, little endian): compact, and
// read in one pass without a parser.
const centroidVersion = 1

func encodeCentroid(c []storyline.TermWeight) []byte {
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

func decodeCentroid(b []byte) ([]storyline.TermWeight, error) {
	if len(b) == 0 || b[0] != centroidVersion {
		return nil, errors.New("unknown centroid encoding")
	}
	b = b[1:]
	var out []storyline.TermWeight
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n+4 {
			return nil, errors.New("truncated centroid")
		}
		b = b[k:]
		term := string(b[:n])
		w := math.Float32frombits(binary.LittleEndian.Uint32(b[n:]))
		out = append(out, storyline.TermWeight{Term: term, Weight: float64(w)})
		b = b[n+4:]
	}
	return out, nil
}
