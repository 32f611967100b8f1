-- Follow-up linking (package followup): anticipated events, the index of
-- stories that report outcomes, and the links between them.

-- One row per anticipated event; a story may anticipate several.
CREATE TABLE followup_events (
	id         INTEGER PRIMARY KEY,
	story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	published  INTEGER NOT NULL,            -- of the anticipating story
	summary    TEXT NOT NULL,
	actors     TEXT NOT NULL,               -- JSON [{"name","key","secondary"}]
	action     TEXT NOT NULL,               -- lemma as found
	class      TEXT NOT NULL,               -- equivalence class
	win_from   INTEGER NOT NULL DEFAULT 0,  -- expected window (UTC dates), 0 = no time given
	win_to     INTEGER NOT NULL DEFAULT 0,
	open_until INTEGER NOT NULL,            -- last publication time of a story that can be its outcome
	evidence   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX followup_events_story ON followup_events(story_id);
CREATE INDEX followup_events_published ON followup_events(published);
CREATE INDEX followup_events_win_to ON followup_events(win_to) WHERE win_to > 0;

-- Candidate index of open events: one row per class and core actor key.
-- A new story looks up (its outcome classes x its actor keys, open_until >= now).
CREATE TABLE followup_event_keys (
	class      TEXT NOT NULL,
	key        TEXT NOT NULL,
	open_until INTEGER NOT NULL,
	event_id   INTEGER NOT NULL REFERENCES followup_events(id) ON DELETE CASCADE,
	PRIMARY KEY (class, key, open_until, event_id)
) WITHOUT ROWID;
CREATE INDEX followup_event_keys_event ON followup_event_keys(event_id);

-- Stories that report an action done, cancelled or postponed, by class and
-- actor key: a new anticipation looks up stories published in its window.
CREATE TABLE followup_outcome_keys (
	class     TEXT NOT NULL,
	key       TEXT NOT NULL,
	published INTEGER NOT NULL,
	story_id  INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	PRIMARY KEY (class, key, published, story_id)
) WITHOUT ROWID;
CREATE INDEX followup_outcome_keys_story ON followup_outcome_keys(story_id);

-- Anticipation -> outcome links.
CREATE TABLE followup_links (
	event_id    INTEGER NOT NULL REFERENCES followup_events(id) ON DELETE CASCADE,
	story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	relation    TEXT NOT NULL,              -- happened | cancelled | postponed
	score       REAL NOT NULL,
	explanation TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (event_id, story_id)
) WITHOUT ROWID;
CREATE INDEX followup_links_story ON followup_links(story_id);
