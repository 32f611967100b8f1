-- Where each configured digest left off.
CREATE TABLE digest_state (
	name       TEXT PRIMARY KEY,
	last_end   INTEGER NOT NULL DEFAULT 0,
	last_story INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Composed digests, rendered once: retries send exactly these bytes.
CREATE TABLE digests (
	key          TEXT PRIMARY KEY,          -- name + window end, deterministic
	name         TEXT NOT NULL,
	subject      TEXT NOT NULL,
	window_start INTEGER NOT NULL,
	window_end   INTEGER NOT NULL,
	created      INTEGER NOT NULL,
	message_id   TEXT NOT NULL,
	in_reply_to  TEXT NOT NULL DEFAULT '',
	refs         TEXT NOT NULL DEFAULT '',  -- Message-IDs, one per line, oldest first
	text         TEXT NOT NULL,
	html         TEXT NOT NULL,
	payload      BLOB NOT NULL,             -- versioned JSON (docs/webhooks.md)
	stories      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX digests_name ON digests(name, window_end);

-- Events a digest announced (role 'a') or reported the outcome of (role 'r'),
-- so that a later digest can thread onto the one that announced its event.
CREATE TABLE digest_events (
	digest_key TEXT NOT NULL REFERENCES digests(key) ON DELETE CASCADE,
	event_id   INTEGER NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('a', 'r')),
	PRIMARY KEY (event_id, role, digest_key)
) WITHOUT ROWID;

-- The outbox: one row per digest and recipient. Its times are Unix
-- milliseconds (retry backoff starts below a second), unlike the rest of the
-- schema.
CREATE TABLE deliveries (
	id           INTEGER PRIMARY KEY,
	digest_key   TEXT NOT NULL REFERENCES digests(key) ON DELETE CASCADE,
	recipient    TEXT NOT NULL,             -- email:ADDRESS | webhook:NAME
	status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	queued       INTEGER NOT NULL,          -- (re)queued at; the retry budget counts from here
	next_attempt INTEGER NOT NULL,          -- due time, or end of the claim's lease
	last_attempt INTEGER NOT NULL DEFAULT 0,
	sent         INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	UNIQUE (digest_key, recipient)
);
CREATE INDEX deliveries_due ON deliveries(next_attempt) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries(status, id);
