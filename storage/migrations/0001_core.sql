-- Feeds and their fetch state.
CREATE TABLE feeds (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	url           TEXT NOT NULL,
	title         TEXT NOT NULL DEFAULT '',
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	polls         INTEGER NOT NULL DEFAULT 0,
	last_fetch    INTEGER NOT NULL DEFAULT 0,
	last_success  INTEGER NOT NULL DEFAULT 0,
	last_status   INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	failures      INTEGER NOT NULL DEFAULT 0,
	next_check    INTEGER NOT NULL DEFAULT 0
);

-- One row per distinct article.
CREATE TABLE stories (
	id           INTEGER PRIMARY KEY,
	url          TEXT NOT NULL DEFAULT '',  -- canonical, the cross-feed identity
	link         TEXT NOT NULL DEFAULT '',  -- as first published
	source       TEXT NOT NULL DEFAULT '',  -- outlet named by an aggregator feed
	title        TEXT NOT NULL DEFAULT '',
	summary      TEXT NOT NULL DEFAULT '',
	content      TEXT NOT NULL DEFAULT '',
	author       TEXT NOT NULL DEFAULT '',
	categories   TEXT NOT NULL DEFAULT '',  -- one per line
	hash         TEXT NOT NULL,             -- of title and text, to notice edits
	published    INTEGER NOT NULL,
	first_seen   INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	feed_id      INTEGER NOT NULL REFERENCES feeds(id),
	backlog      INTEGER NOT NULL DEFAULT 0,
	duplicate_of INTEGER REFERENCES stories(id) ON DELETE SET NULL,
	storyline    INTEGER
);
CREATE INDEX stories_url ON stories(url) WHERE url <> '';
CREATE INDEX stories_published ON stories(published);
CREATE INDEX stories_first_seen ON stories(first_seen);

-- Which feed carried which story, under the feed's own key for the item:
-- "g:" GUID, else "u:" canonical URL, else "h:" hash of title and text.
CREATE TABLE sightings (
	feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
	item_key   TEXT NOT NULL,
	story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	link       TEXT NOT NULL DEFAULT '',
	first_seen INTEGER NOT NULL,
	PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
CREATE INDEX sightings_story ON sightings(story_id);

CREATE VIRTUAL TABLE stories_fts USING fts5(
	title, summary, content,
	content='stories', content_rowid='id',
	tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
	INSERT INTO stories_fts(rowid, title, summary, content) VALUES (new.id, new.title, new.summary, new.content);
END;
CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
	INSERT INTO stories_fts(stories_fts, rowid, title, summary, content) VALUES ('delete', old.id, old.title, old.summary, old.content);
END;
CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, summary, content ON stories BEGIN
	INSERT INTO stories_fts(stories_fts, rowid, title, summary, content) VALUES ('delete', old.id, old.title, old.summary, old.content);
	INSERT INTO stories_fts(rowid, title, summary, content) VALUES (new.id, new.title, new.summary, new.content);
END;
