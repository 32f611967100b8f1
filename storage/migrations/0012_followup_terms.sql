-- Follow-up events are identified by their terms (stemmed content words of
-- the sentences announcing them), weighed by rarity, instead of by action
-- class and person actors; a later announcement of the same happening
-- points at the first (root) instead of starting a thread of its own.
ALTER TABLE followup_events ADD COLUMN terms TEXT NOT NULL DEFAULT '[]'; -- JSON array of stems
ALTER TABLE followup_events ADD COLUMN root INTEGER NOT NULL DEFAULT 0;  -- 0: the first announcement
CREATE INDEX followup_events_root ON followup_events(root) WHERE root > 0;
-- The candidate indexes no longer split by class: events stored before are
-- found under their core actor keys, stories under the keys they had (a
-- list of keys, no longer of [class, key] pairs). The filters of stories'
-- words are gone: candidates are found by their terms.
UPDATE followup_event_keys SET class = '';
UPDATE followup_outcomes SET keys = COALESCE((SELECT json_group_array(k) FROM
	(SELECT DISTINCT value->>1 AS k FROM json_each(followup_outcomes.keys))), '[]');
ALTER TABLE followup_outcomes DROP COLUMN words;
