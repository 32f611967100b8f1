-- Items whose stories retention pruned: a feed that still lists one must
-- not bring it back as new. Kept for one more retention period.
CREATE TABLE tombstones (
	feed_id   INTEGER NOT NULL,
	item_key  TEXT NOT NULL,
	pruned_at INTEGER NOT NULL,
	PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
CREATE TABLE tombstone_urls (
	url       TEXT PRIMARY KEY,
	pruned_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tombstones_pruned ON tombstones(pruned_at);
CREATE INDEX tombstone_urls_pruned ON tombstone_urls(pruned_at);
