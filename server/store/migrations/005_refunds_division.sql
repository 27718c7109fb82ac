-- Payments (issue 5), second step: a refund of a divided (分账) order records its split
-- (platformAmount + the one sub-merchant refunded), so later refunds can be checked against what
-- is left of each share; refund-queries back off like order queries.
ALTER TABLE pay_refunds ADD COLUMN division_json TEXT;
ALTER TABLE pay_refunds ADD COLUMN check_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pay_refunds ADD COLUMN next_check_at INTEGER;
CREATE INDEX pay_refunds_next_check ON pay_refunds (next_check_at) WHERE status = 'PENDING';

-- 担保交易: what 担保完成 / 担保撤销 did (seed 2.3 secureStatus), so the record shows how much was
-- settled to the merchant and how much went back to the buyer.
ALTER TABLE pay_orders ADD COLUMN secure_status TEXT;
ALTER TABLE pay_orders ADD COLUMN completed_amount INTEGER;
