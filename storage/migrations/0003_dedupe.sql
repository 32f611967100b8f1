-- Near-duplicate and same-story indexes (package dedupe). Both hold only a
-- recent window and are pruned as new stories arrive.

-- Near-duplicate fingerprints of recent stories: the MinHash signature, to
-- estimate a candidate's similarity before reading its text, and the LSH
-- band keys it is filed under (a JSON array, to prune its buckets).
CREATE TABLE dedupe_fingerprints (
	story_id  INTEGER PRIMARY KEY,
	published INTEGER NOT NULL,
	signature BLOB NOT NULL,  -- little-endian uint32 minima
	bands     TEXT NOT NULL
);
CREATE INDEX dedupe_fingerprints_published ON dedupe_fingerprints(published);

-- LSH buckets: one row per band key of each recent story.
CREATE TABLE dedupe_bands (
	band     INTEGER NOT NULL,  -- hash of the band index and its rows
	story_id INTEGER NOT NULL,
	PRIMARY KEY (band, story_id)
) WITHOUT ROWID;

-- Document frequencies of words and word pairs, for TF-IDF weights, by
-- term key (a 64-bit hash of the term, see storage/dedupe.go). The empty
-- term counts the documents.
CREATE TABLE dedupe_terms (
	term INTEGER PRIMARY KEY,
	df   INTEGER NOT NULL
);

-- Same-story clusters still open to new stories.
CREATE TABLE dedupe_clusters (
	id       INTEGER PRIMARY KEY,  -- id of the cluster's first story = stories.storyline
	size     INTEGER NOT NULL,
	started  INTEGER NOT NULL,
	updated  INTEGER NOT NULL,
	centroid BLOB NOT NULL         -- heaviest terms and weights, see storage/dedupe.go
);
CREATE INDEX dedupe_clusters_updated ON dedupe_clusters(updated);

-- Inverted index: word -> clusters holding it. Entries go with their
-- cluster; whether a cluster is still open is read from dedupe_clusters.
CREATE TABLE dedupe_postings (
	term       INTEGER NOT NULL,  -- term key, as in dedupe_terms
	cluster_id INTEGER NOT NULL,
	PRIMARY KEY (term, cluster_id)
) WITHOUT ROWID;
CREATE INDEX dedupe_postings_cluster ON dedupe_postings(cluster_id);

-- "Also reported by" and "more stories on this" look stories up by these;
-- deleting a story also needs duplicate_of indexed (ON DELETE SET NULL).
CREATE INDEX stories_duplicate_of ON stories(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX stories_storyline ON stories(storyline) WHERE storyline IS NOT NULL;
