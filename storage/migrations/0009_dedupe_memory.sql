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
