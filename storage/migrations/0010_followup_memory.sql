-- Package followup now keeps its candidate indexes (open anticipations by
-- class and actor key, outcome stories by class and actor key) in memory,
-- loaded from these tables at start. A story's outcome keys become one row
-- (a JSON list) instead of one row per key: they are written for most
-- stories and read back only at load, or for a story published too long
-- before the newest for the memory to cover.
CREATE TABLE followup_outcomes (
	story_id  INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
	published INTEGER NOT NULL,
	keys      TEXT NOT NULL  -- JSON [[class, key], ...]
);
CREATE INDEX followup_outcomes_published ON followup_outcomes(published);
INSERT INTO followup_outcomes(story_id, published, keys)
	SELECT story_id, min(published), json_group_array(json_array(class, key))
	FROM followup_outcome_keys GROUP BY story_id;
DROP TABLE followup_outcome_keys;
-- The load reads the anticipations still open.
CREATE INDEX followup_events_open ON followup_events(open_until);
