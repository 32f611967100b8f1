-- Full-text indexing in batches. Writing FTS5 from a row trigger makes it
-- flush its index at every statement (a savepoint per row); instead the
-- triggers queue story ids and DB.Update indexes the queue once per
-- transaction (storage.flushFTS).
CREATE TABLE fts_queue (id INTEGER PRIMARY KEY);

DROP TRIGGER stories_fts_insert;
DROP TRIGGER stories_fts_delete;
DROP TRIGGER stories_fts_update;

CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
	INSERT OR IGNORE INTO fts_queue(id) VALUES (new.id);
END;
-- A queued story is not in the index yet: there is nothing to delete.
CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, summary, content ON stories
WHEN old.id NOT IN (SELECT id FROM fts_queue) BEGIN
	INSERT INTO stories_fts(stories_fts, rowid, title, summary, content) VALUES ('delete', old.id, old.title, old.summary, old.content);
	INSERT INTO fts_queue(id) VALUES (new.id);
END;
CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
	INSERT INTO stories_fts(stories_fts, rowid, title, summary, content)
		SELECT 'delete', old.id, old.title, old.summary, old.content WHERE old.id NOT IN (SELECT id FROM fts_queue);
	DELETE FROM fts_queue WHERE id = old.id;
END;
