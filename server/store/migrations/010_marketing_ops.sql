-- 红包/抽奖 (seed 003 5.8): every give, grant and draw, written as `requested` before the call with
-- the transNumber it sends, then `done` (with what came back) or `failed` (with why).
CREATE TABLE marketing_ops (
  trans_number TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('give', 'grant', 'draw')),
  open_id TEXT NOT NULL,
  amount INTEGER,
  status TEXT NOT NULL CHECK (status IN ('requested', 'done', 'failed')),
  result_json TEXT,
  failure TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX marketing_ops_user ON marketing_ops (open_id, created_at);
