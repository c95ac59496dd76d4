-- Newest timestamp ever stored per user (never lowered, not even by compaction). Every append
-- transaction locks its users' rows first, so commits of one user are serialized across nodes and
-- an append at or below max_ts is refused (OpStore rule 7). -1 = nothing stored yet.

CREATE TABLE user_heads (
  user_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  max_ts  BIGINT           NOT NULL
);

-- Existing logs (none in practice: V1 and V2 ship together) start from their newest op.
INSERT INTO user_heads (user_id, max_ts) SELECT user_id, max(ts) FROM ops GROUP BY user_id;
