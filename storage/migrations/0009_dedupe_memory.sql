-- Package dedupe now keeps its lookup structures (LSH buckets, the inverted
-- index of words to clusters, document frequencies) in memory, loaded from
-- these tables at start. The tables are written, not searched: the bucket
-- and posting rows give way to the signature and to a cluster's own list of
-- posted words.
ALTER TABLE dedupe_clusters ADD COLUMN terms TEXT NOT NULL DEFAULT '[]'; -- JSON array of term keys
UPDATE dedupe_clusters SET terms = COALESCE((SELECT json_group_array(term)
	FROM dedupe_postings WHERE cluster_id = dedupe_clusters.id), '[]');
DROP TABLE dedupe_postings;
DROP TABLE dedupe_bands;
ALTER TABLE dedupe_fingerprints DROP COLUMN bands;
-- Term counts are now written every few thousand stories; the row of term
-- key 0 holds the id of the last story they include, and the index
-- recounts the stories after it when it loads. Every story stored so far
-- was counted as it came.
INSERT OR REPLACE INTO dedupe_terms(term, df) SELECT 0, COALESCE(max(id), 0) FROM stories;
