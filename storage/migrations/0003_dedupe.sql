-- Near-duplicate and same-story indexes (package dedupe). Both hold only a
-- recent window and are pruned as new stories arrive.

-- LSH buckets: one row per band of each recent story's MinHash signature.
CREATE TABLE dedupe_bands (
	band      INTEGER NOT NULL,  -- hash of the band index and its rows
	story_id  INTEGER NOT NULL,
	published INTEGER NOT NULL,
	PRIMARY KEY (band, story_id)
) WITHOUT ROWID;
CREATE INDEX dedupe_bands_published ON dedupe_bands(published);

-- Document frequencies of words and word pairs, for TF-IDF weights.
CREATE TABLE dedupe_terms (
	term TEXT PRIMARY KEY,
	df   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE dedupe_counts (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO dedupe_counts(name, value) VALUES ('docs', 0);

-- Same-story clusters still open to new stories.
CREATE TABLE dedupe_clusters (
	id       INTEGER PRIMARY KEY,  -- id of the cluster's first story = stories.storyline
	size     INTEGER NOT NULL,
	started  INTEGER NOT NULL,
	updated  INTEGER NOT NULL,
	centroid BLOB NOT NULL         -- heaviest terms and weights, see storage/dedupe.go
);
CREATE INDEX dedupe_clusters_updated ON dedupe_clusters(updated);

-- Inverted index: word -> open clusters holding it, newest first.
CREATE TABLE dedupe_postings (
	term       TEXT NOT NULL,
	cluster_id INTEGER NOT NULL,
	updated    INTEGER NOT NULL,
	PRIMARY KEY (term, cluster_id)
) WITHOUT ROWID;
CREATE INDEX dedupe_postings_recent ON dedupe_postings(term, updated);
CREATE INDEX dedupe_postings_updated ON dedupe_postings(updated);

-- "Also reported by" and "more stories on this" look stories up by these;
-- deleting a story also needs duplicate_of indexed (ON DELETE SET NULL).
CREATE INDEX stories_duplicate_of ON stories(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX stories_storyline ON stories(storyline) WHERE storyline IS NOT NULL;
