-- The op log, snapshots and compaction marks; the same shape as the embedded SQLite store.
-- ts holds HybridTimestamp.packed() as a signed BIGINT: every timestamp below 2^63 (physical time
-- before the year 6429) orders the same signed and unsigned; the store refuses larger ones.
-- Unqualified names: Flyway runs this with search_path set to the store's schema.

CREATE TABLE ops (
  user_id     TEXT COLLATE "C" NOT NULL,
  ts          BIGINT           NOT NULL,
  op_id       TEXT COLLATE "C",
  fingerprint TEXT,
  payload     TEXT             NOT NULL,
  PRIMARY KEY (user_id, ts)
);

CREATE UNIQUE INDEX ops_user_op_id ON ops (user_id, op_id) WHERE op_id IS NOT NULL;

CREATE TABLE snapshots (
  user_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  through BIGINT           NOT NULL,
  payload TEXT             NOT NULL
);

-- Newest op deleted by compaction, per user: since() before it must answer "snapshot".
CREATE TABLE compaction_marks (
  user_id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  compacted_through BIGINT           NOT NULL
);
