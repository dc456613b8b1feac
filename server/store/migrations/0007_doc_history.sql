-- Each object's history with attribution (issue 17, server/history/): every create, update and
-- new epoch's first content, with who and when, written in the transaction that stores it. Kept
-- apart from doc_updates, so neither compaction nor a new epoch removes it; who may read which
-- entries (never an epoch from before one's level could see the object) is decided when read.
-- `before`: for a base starting a new epoch, the object's chain of markings just before (JSON).
CREATE TABLE doc_history (
  object_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('base', 'update')),
  at TEXT NOT NULL,
  author TEXT NOT NULL,
  data BYTEA NOT NULL,
  before TEXT,
  PRIMARY KEY (object_id, epoch, seq)
);
