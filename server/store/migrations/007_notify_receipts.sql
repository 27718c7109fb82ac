-- Issue 13: every 云闪付 notification applied is remembered here, in the same transaction as its
-- effect, keyed by the sha256 of its signature's bytes: a replay (also after a restart, also with
-- the signature re-encoded) is recognised. The 解约结果通知 keeps its own contract_notifications.
CREATE TABLE notify_receipts (
  channel TEXT NOT NULL,
  replay_key TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (channel, replay_key)
);
