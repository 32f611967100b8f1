-- A Bloom filter of the words of each story reporting outcomes (a version
-- byte and 64 bytes, see followup.wordFilter): the linker passes over the stories that cannot
-- name an anticipation's actors without reading and analysing them. Rows
-- from before have none, which lets every story through.
ALTER TABLE followup_outcomes ADD COLUMN words BLOB;
