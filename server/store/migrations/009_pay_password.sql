-- 支付密码验证 (seed 003 5.3): one row per verification, written as `requested` before
-- verifyPwdSeqId is called; the 5.3.2 notification moves `pending` → `verified` exactly once
-- (a conditional UPDATE), and the sensitive action it guards moves `verified` → `used` once.
CREATE TABLE pay_pwd_verifications (
  biz_order_id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  open_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  biz_type TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  trans_no TEXT UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('requested', 'pending', 'verified', 'used', 'failed')),
  failure TEXT,
  notifications INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  verified_at INTEGER,
  used_at INTEGER
);
CREATE INDEX pay_pwd_verifications_user ON pay_pwd_verifications (app_id, open_id, created_at);
