-- Which watched topics each story matched, and why (the query terms that
-- hit). Written as each story is stored; rows of a topic removed from the
-- config stay until their stories are pruned.
CREATE TABLE story_topics (
	story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	topic    TEXT NOT NULL,
	priority INTEGER NOT NULL DEFAULT 0,
	why      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (story_id, topic)
) WITHOUT ROWID;
CREATE INDEX story_topics_topic ON story_topics(topic, story_id);

