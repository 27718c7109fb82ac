import type { Db } from '../store/db.ts'

export type PayPwdStatus = 'requested' | 'pending' | 'verified' | 'used' | 'failed'

export interface PayPwdRecord {
  bizOrderId: string
  appId: string
  openId: string
  purpose: string
  bizType: string
  merchantId: string
  transNo: string | null
  status: PayPwdStatus
  failure: string | null
  notifications: number
  createdAt: number
  verifiedAt: number | null
  usedAt: number | null
}

interface Row {
  biz_order_id: string
  app_id: string
  open_id: string
  purpose: string
  biz_type: string
  merchant_id: string
  trans_no: string | null
  status: PayPwdStatus
  failure: string | null
  notifications: number
  created_at: number
  verified_at: number | null
  used_at: number | null
}

const toRecord = (r: Row): PayPwdRecord => ({
  bizOrderId: r.biz_order_id,
  appId: r.app_id,
  openId: r.open_id,
  purpose: r.purpose,
  bizType: r.biz_type,
  merchantId: r.merchant_id,
  transNo: r.trans_no,
  status: r.status,
  failure: r.failure,
  notifications: r.notifications,
  createdAt: r.created_at,
  verifiedAt: r.verified_at,
  usedAt: r.used_at,
})

/** What a verified notification says; every field must match the record it verifies. */
export interface VerifiedNotice {
  appId: string
  openId: string
  bizOrderId: string
  transNo: string
  bizType: string
  merchantId: string
}

export type NoticeOutcome = 'verified' | 'replay' | 'unknown' | 'mismatch'

/** The 支付密码验证 records. */
export class PayPwdRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  create(
    r: Pick<PayPwdRecord, 'bizOrderId' | 'appId' | 'openId' | 'purpose' | 'bizType' | 'merchantId'>,
  ): PayPwdRecord {
    this.db
      .prepare(
        `INSERT INTO pay_pwd_verifications (biz_order_id, app_id, open_id, purpose, biz_type, merchant_id, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'requested', ?)`,
      )
      .run(r.bizOrderId, r.appId, r.openId, r.purpose, r.bizType, r.merchantId, this.clock())
    return this.require(r.bizOrderId)
  }

  find(bizOrderId: string): PayPwdRecord | null {
    const row = this.db.prepare('SELECT * FROM pay_pwd_verifications WHERE biz_order_id = ?').get(bizOrderId) as
      Row | undefined
    return row ? toRecord(row) : null
  }

  private require(bizOrderId: string): PayPwdRecord {
    const r = this.find(bizOrderId)
    if (!r) throw new Error(`pay-password verification ${bizOrderId} vanished`)
    return r
  }

  issued(bizOrderId: string, transNo: string): PayPwdRecord {
    this.db
      .prepare(
        `UPDATE pay_pwd_verifications SET trans_no = ?, status = 'pending' WHERE biz_order_id = ? AND status = 'requested'`,
      )
      .run(transNo, bizOrderId)
    return this.require(bizOrderId)
  }

  failed(bizOrderId: string, failure: string): void {
    this.db
      .prepare(
        `UPDATE pay_pwd_verifications SET status = 'failed', failure = ? WHERE biz_order_id = ? AND status = 'requested'`,
      )
      .run(failure.slice(0, 200), bizOrderId)
  }

  /**
   * Applies a verified 5.3.2 notification: `pending` → `verified` for the record whose every
   * field matches, in one conditional UPDATE, so a replay (or a second instance) changes nothing.
   */
  applyNotice(n: VerifiedNotice): NoticeOutcome {
    return this.db.transaction((): NoticeOutcome => {
      const row = this.db.prepare('SELECT * FROM pay_pwd_verifications WHERE trans_no = ?').get(n.transNo) as
        Row | undefined
      if (!row) return 'unknown'
      const r = toRecord(row)
      const matches =
        r.appId === n.appId &&
        r.openId === n.openId &&
        r.bizOrderId === n.bizOrderId &&
        (n.bizType === '' || r.bizType === n.bizType) &&
        (n.merchantId === '' || r.merchantId === n.merchantId)
      if (!matches) return 'mismatch'
      this.db
        .prepare('UPDATE pay_pwd_verifications SET notifications = notifications + 1 WHERE trans_no = ?')
        .run(n.transNo)
      const changed = this.db
        .prepare(
          `UPDATE pay_pwd_verifications SET status = 'verified', verified_at = ? WHERE trans_no = ? AND status = 'pending'`,
        )
        .run(this.clock(), n.transNo).changes
      return changed === 1 ? 'verified' : 'replay'
    })()
  }

  /** `verified` → `used`, once: true for the one caller that spent the verification. */
  use(bizOrderId: string, openId: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE pay_pwd_verifications SET status = 'used', used_at = ? WHERE biz_order_id = ? AND open_id = ? AND status = 'verified'`,
        )
        .run(this.clock(), bizOrderId, openId).changes === 1
    )
  }
}
