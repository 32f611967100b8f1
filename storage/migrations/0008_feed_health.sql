-- Feed health for digests: when each feed last brought a new story, and the
-- rhythm of its arrivals, read per feed by range over this index.
CREATE INDEX sightings_feed_seen ON sightings(feed_id, first_seen);

-- The first fetch of a feed, kept by the database itself whoever writes the
-- fetch state: a feed that never succeeded has been failing since then.
ALTER TABLE feeds ADD COLUMN first_fetch INTEGER NOT NULL DEFAULT 0;
-- Feeds fetched before this migration: the earliest time known.
UPDATE feeds SET first_fetch = min(
	last_fetch,
	CASE WHEN last_success > 0 THEN last_success ELSE last_fetch END,
	COALESCE((SELECT min(g.first_seen) FROM sightings g WHERE g.feed_id = feeds.id), last_fetch)
) WHERE last_fetch > 0;
CREATE TRIGGER feeds_first_fetch_insert AFTER INSERT ON feeds
	WHEN new.first_fetch = 0 AND new.last_fetch > 0 BEGIN
	UPDATE feeds SET first_fetch = new.last_fetch WHERE id = new.id;
END;
CREATE TRIGGER feeds_first_fetch_update AFTER UPDATE OF last_fetch ON feeds
	WHEN new.first_fetch = 0 AND new.last_fetch > 0 BEGIN
	UPDATE feeds SET first_fetch = new.last_fetch WHERE id = new.id;
END;
