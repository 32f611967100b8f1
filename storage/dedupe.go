package storage

// The indexes of package dedupe (migration 0003): LSH buckets for
// near-duplicates, document frequencies, open clusters and the inverted index
// of words to clusters. *Tx implements dedupe.Store.

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/storyline/storyline"
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
	b, _ := json.Marshal(xs) // cannot fail for strings and integers
	return string(b)
}

// NearCandidates returns stories published at or after since that share at
// least one of bands, most shared bands first, at most limit.
func (tx *Tx) NearCandidates(ctx context.Context, bands []int64, since time.Time, limit int) ([]storyline.NearCandidate, error) {
	if len(bands) == 0 || limit <= 0 {
		return nil, nil
	}
	rows, err := tx.queryPrepared(ctx, `SELECT s.id, s.title, s.summary, s.source, s.published,
			COALESCE(s.duplicate_of, 0), COALESCE(s.storyline, 0), x.n, f.signature
		FROM (SELECT story_id, count(*) AS n FROM dedupe_bands
			WHERE band IN (SELECT value FROM json_each(?))
			GROUP BY story_id) x
		JOIN dedupe_fingerprints f ON f.story_id = x.story_id
		JOIN stories s ON s.id = x.story_id
		WHERE f.published >= ?
		ORDER BY x.n DESC, s.id LIMIT `+strconv.Itoa(limit), jsonList(bands), unix(since))
	if err != nil {
		return nil, fmt.Errorf("storage: near candidates: %w", err)
	}
	defer rows.Close()
	var out []storyline.NearCandidate
	for rows.Next() {
		var c storyline.NearCandidate
		var published int64
		var sig []byte
		if err := rows.Scan(&c.ID, &c.Title, &c.Summary, &c.Source, &published, &c.DuplicateOf, &c.Storyline, &c.Bands, &sig); err != nil {
			return nil, fmt.Errorf("storage: near candidates: %w", err)
		}
		c.Published = fromUnix(published)
		c.Signature = decodeSignature(sig)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: near candidates: %w", err)
	}
	return out, nil
}

// AddFingerprint files a story under its LSH band keys, with its MinHash
// signature.
func (tx *Tx) AddFingerprint(ctx context.Context, storyID int64, bands []int64, signature []uint32, published time.Time) error {
	if len(bands) == 0 {
		return nil
	}
	keys := jsonList(bands)
	_, err := tx.execPrepared(ctx, `INSERT INTO dedupe_fingerprints(story_id, published, signature, bands)
		VALUES (?, ?, ?, ?) ON CONFLICT(story_id) DO NOTHING`, storyID, unix(published), encodeSignature(signature), keys)
	if err == nil {
		_, err = tx.execPrepared(ctx, `INSERT INTO dedupe_bands(band, story_id)
			SELECT value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`, storyID, keys)
	}
	if err != nil {
		return fmt.Errorf("storage: add fingerprint of story %d: %w", storyID, err)
	}
	return nil
}

// CountTerms counts one more document holding terms (which must be
// distinct) and returns each term's document frequency, this document
// included, and the number of documents counted so far.
func (tx *Tx) CountTerms(ctx context.Context, terms []string) ([]int64, int64, error) {
	// The empty term counts documents: every document holds it.
	keys := make([]int64, len(terms)+1)
	keys[0] = termKey("")
	for i, t := range terms {
		keys[i+1] = termKey(t)
	}
	rows, err := tx.queryPrepared(ctx, `INSERT INTO dedupe_terms(term, df)
		SELECT value, 1 FROM json_each(?) WHERE true
		ON CONFLICT(term) DO UPDATE SET df = df + 1 RETURNING term, df`, jsonList(keys))
	if err != nil {
		return nil, 0, fmt.Errorf("storage: count terms: %w", err)
	}
	defer rows.Close()
	byKey := make(map[int64]int64, len(keys))
	for rows.Next() {
		var k, df int64
		if err := rows.Scan(&k, &df); err != nil {
			return nil, 0, fmt.Errorf("storage: count terms: %w", err)
		}
		byKey[k] = df
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("storage: count terms: %w", err)
	}
	df := make([]int64, len(terms))
	for i := range terms {
		df[i] = byKey[keys[i+1]]
	}
	return df, byKey[keys[0]], nil
}

// termKey is the key a term is counted and indexed under: a 64-bit hash
// (FNV-1a, mixed), so that the indexes compare integers, not strings. With
// a few million distinct terms a collision is a one in a million chance,
// and would only merge two terms' counts. Fixed forever: stored keys depend
// on it.
func termKey(t string) int64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(t); i++ {
		h ^= uint64(t[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return int64(h)
}

func termKeys(terms []string) []int64 {
	keys := make([]int64, len(terms))
	for i, t := range terms {
		keys[i] = termKey(t)
	}
	return keys
}

// ClusterCandidates returns at most limit clusters that hold any of terms
// and were updated at or after since: those holding most of the terms first,
// then the most recently updated.
func (tx *Tx) ClusterCandidates(ctx context.Context, terms []string, since time.Time, limit int) ([]storyline.StoryCluster, error) {
	if len(terms) == 0 || limit <= 0 {
		return nil, nil
	}
	rows, err := tx.queryPrepared(ctx, `SELECT c.id, c.size, c.started, c.updated, c.centroid
		FROM (SELECT cluster_id, count(*) AS n FROM dedupe_postings
			WHERE term IN (SELECT value FROM json_each(?)) GROUP BY cluster_id) x
		JOIN dedupe_clusters c ON c.id = x.cluster_id
		WHERE c.updated >= ?
		ORDER BY x.n DESC, c.updated DESC, c.id LIMIT `+strconv.Itoa(limit), jsonList(termKeys(terms)), unix(since))
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
	c, err := scanCluster(tx.queryRow(ctx, `SELECT id, size, started, updated, centroid FROM dedupe_clusters WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("storage: cluster %d: %w", id, err)
	}
	return c, true, nil
}

// SaveCluster creates or replaces a cluster and files it under terms.
func (tx *Tx) SaveCluster(ctx context.Context, c storyline.StoryCluster, terms []string) error {
	_, err := tx.execPrepared(ctx, `INSERT INTO dedupe_clusters(id, size, started, updated, centroid)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size,
		started = excluded.started, updated = excluded.updated, centroid = excluded.centroid`,
		c.ID, c.Size, unix(c.Started), unix(c.Updated), encodeCentroid(c.Centroid))
	if err != nil {
		return fmt.Errorf("storage: save cluster %d: %w", c.ID, err)
	}
	if len(terms) == 0 {
		return nil
	}
	_, err = tx.execPrepared(ctx, `INSERT INTO dedupe_postings(term, cluster_id)
		SELECT value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`, c.ID, jsonList(termKeys(terms)))
	if err != nil {
		return fmt.Errorf("storage: save cluster %d: %w", c.ID, err)
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

// PruneDedupe drops the fingerprints of at most limit stories published
// before fingerprints, and at most limit clusters (with their inverted-index
// entries) last updated before clusters. Called a little at a time, it keeps
// the indexes to a window without ever stalling one transaction.
func (tx *Tx) PruneDedupe(ctx context.Context, fingerprints, clusters time.Time, limit int) error {
	if limit <= 0 {
		return nil
	}
	n := strconv.Itoa(limit)
	oldFingerprints := `SELECT story_id FROM dedupe_fingerprints WHERE published < ? ORDER BY published, story_id LIMIT ` + n
	oldClusters := `SELECT id FROM dedupe_clusters WHERE updated < ? ORDER BY updated, id LIMIT ` + n
	stmts := []struct {
		q   string
		arg int64
	}{
		{`DELETE FROM dedupe_bands WHERE (band, story_id) IN (SELECT j.value, f.story_id
			FROM dedupe_fingerprints f, json_each(f.bands) j WHERE f.story_id IN (` + oldFingerprints + `))`, unix(fingerprints)},
		{`DELETE FROM dedupe_fingerprints WHERE story_id IN (` + oldFingerprints + `)`, unix(fingerprints)},
		{`DELETE FROM dedupe_postings WHERE cluster_id IN (` + oldClusters + `)`, unix(clusters)},
		{`DELETE FROM dedupe_clusters WHERE id IN (` + oldClusters + `)`, unix(clusters)},
	}
	for _, s := range stmts {
		if _, err := tx.execPrepared(ctx, s.q, s.arg); err != nil {
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
	// One string holds every term, sliced: one allocation per centroid.
	all := string(b[1:])
	var out []storyline.TermWeight
	for i := 0; i < len(all); {
		n, k := binary.Uvarint([]byte(all[i:min(len(all), i+binary.MaxVarintLen64)]))
		if k <= 0 || uint64(len(all)-i-k) < n+4 {
			return nil, errors.New("truncated centroid")
		}
		i += k
		term := all[i : i+int(n)]
		w := math.Float32frombits(binary.LittleEndian.Uint32([]byte(all[i+int(n) : i+int(n)+4])))
		out = append(out, storyline.TermWeight{Term: term, Weight: float64(w)})
		i += int(n) + 4
	}
	return out, nil
}

// DedupeIndexStats counts the rows of the dedupe indexes, for metrics and
// benchmarks: they should stay bounded by the time window however many
// stories are stored.
type DedupeIndexStats struct {
	Fingerprints, Bands, Clusters, Postings, Terms int64
}

// DedupeIndexStats returns the current sizes of the dedupe indexes.
func (db *DB) DedupeIndexStats(ctx context.Context) (DedupeIndexStats, error) {
	var s DedupeIndexStats
	err := db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM dedupe_fingerprints), (SELECT count(*) FROM dedupe_bands),
		(SELECT count(*) FROM dedupe_clusters), (SELECT count(*) FROM dedupe_postings), (SELECT count(*) FROM dedupe_terms)`).Scan(
		&s.Fingerprints, &s.Bands, &s.Clusters, &s.Postings, &s.Terms)
	if err != nil {
		return s, fmt.Errorf("storage: dedupe index stats: %w", err)
	}
	return s, nil
}
