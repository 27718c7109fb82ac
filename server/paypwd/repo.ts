import type { Selectable } from 'kysely'
import { atomically, locksRows, within, type Db } from '../store/kysely-db.ts'
import type { Tables } from '../store/schema.ts'

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

type Row = Selectable<Tables['pay_pwd_verifications']>

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
  notifications: Number(r.notifications),
  createdAt: Number(r.created_at),
  verifiedAt: r.verified_at === null ? null : Number(r.verified_at),
  usedAt: r.used_at === null ? null : Number(r.used_at),
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

/** The 支付密码验证 records (SQLite or PostgreSQL through the query builder). */
export class PayPwdRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(
    r: Pick<PayPwdRecord, 'bizOrderId' | 'appId' | 'openId' | 'purpose' | 'bizType' | 'merchantId'>,
  ): Promise<PayPwdRecord> {
    await within(this.db)
      .insertInto('pay_pwd_verifications')
      .values({
        biz_order_id: r.bizOrderId,
        app_id: r.appId,
        open_id: r.openId,
        purpose: r.purpose,
        biz_type: r.bizType,
        merchant_id: r.merchantId,
        status: 'requested',
        created_at: this.clock(),
        trans_no: null,
        failure: null,
        verified_at: null,
        used_at: null,
      })
      .execute()
    return this.require(r.bizOrderId)
  }

  async find(bizOrderId: string): Promise<PayPwdRecord | null> {
    const row = await within(this.db)
      .selectFrom('pay_pwd_verifications')
      .selectAll()
      .where('biz_order_id', '=', bizOrderId)
      .executeTakeFirst()
    return row ? toRecord(row) : null
  }

  private async require(bizOrderId: string): Promise<PayPwdRecord> {
    const r = await this.find(bizOrderId)
    if (!r) throw new Error(`pay-password verification ${bizOrderId} vanished`)
    return r
  }

  async issued(bizOrderId: string, transNo: string): Promise<PayPwdRecord> {
    await within(this.db)
      .updateTable('pay_pwd_verifications')
      .set({ trans_no: transNo, status: 'pending' })
      .where('biz_order_id', '=', bizOrderId)
      .where('status', '=', 'requested')
      .execute()
    return this.require(bizOrderId)
  }

  async failed(bizOrderId: string, failure: string): Promise<void> {
    await within(this.db)
      .updateTable('pay_pwd_verifications')
      .set({ status: 'failed', failure: failure.slice(0, 200) })
      .where('biz_order_id', '=', bizOrderId)
      .where('status', '=', 'requested')
      .execute()
  }

  /**
   * Applies a verified 5.3.2 notification: `pending` → `verified` for the record whose every
   * field matches, in one conditional UPDATE, so a replay (or a second instance) changes nothing.
   */
  applyNotice(n: VerifiedNotice): Promise<NoticeOutcome> {
    return atomically(this.db, async (trx): Promise<NoticeOutcome> => {
      const row = await trx
        .selectFrom('pay_pwd_verifications')
        .selectAll()
        .where('trans_no', '=', n.transNo)
        .$if(locksRows(trx), (qb) => qb.forUpdate())
        .executeTakeFirst()
      if (!row) return 'unknown'
      const r = toRecord(row)
      const matches =
        r.appId === n.appId &&
        r.openId === n.openId &&
        r.bizOrderId === n.bizOrderId &&
        (n.bizType === '' || r.bizType === n.bizType) &&
        (n.merchantId === '' || r.merchantId === n.merchantId)
      if (!matches) return 'mismatch'
      await trx
        .updateTable('pay_pwd_verifications')
        .set((eb) => ({ notifications: eb('notifications', '+', 1) }))
        .where('trans_no', '=', n.transNo)
        .execute()
      const changed = await trx
        .updateTable('pay_pwd_verifications')
        .set({ status: 'verified', verified_at: this.clock() })
        .where('trans_no', '=', n.transNo)
        .where('status', '=', 'pending')
        .executeTakeFirst()
      return Number(changed.numUpdatedRows) === 1 ? 'verified' : 'replay'
    })
  }

  /** `verified` → `used`, once: true for the one caller that spent the verification. */
  async use(bizOrderId: string, openId: string): Promise<boolean> {
    const r = await within(this.db)
      .updateTable('pay_pwd_verifications')
      .set({ status: 'used', used_at: this.clock() })
      .where('biz_order_id', '=', bizOrderId)
      .where('open_id', '=', openId)
      .where('status', '=', 'verified')
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }
}
