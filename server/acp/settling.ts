import { createHash } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { AcpError, type AcpAnswer } from './client.ts'
import type { AcpFields } from './message.ts'
import type { AcpRepo } from './repo.ts'
import { queryGap } from './rules.ts'
import type { AcpVerifier } from './verify.ts'

/**
 * How every 全渠道 product settles a transaction whose answer did not: the backUrl notification
 * (verified, stored once, applied once) and the status query (5 minutes after, then queryGap;
 * then the reconciliation file). One implementation; each product says how to read and move its
 * own records.
 */

export interface Settleable {
  orderId: string
  txnTime: string
  amount: number
  status: string
  checkCount: number
}

export interface SettleTarget<O extends Settleable> {
  /** Log prefix, e.g. `acp preauth`. */
  label: string
  log: FastifyBaseLogger
  get(orderId: string): Promise<O | null>
  /** Inside `atomic`: the order read for update (PostgreSQL locks its row until the end). */
  lock(orderId: string): Promise<O | null>
  atomic<T>(fn: () => Promise<T>): Promise<T>
  /** Applies a final outcome once; a concurrent move that lost throws `lostRace`'s type. */
  settle(
    o: O,
    respCode: string,
    respMsg: string,
    queryId: string | undefined,
    source: string,
  ): Promise<'applied' | 'unchanged'>
  /** The status-guarded move error that means "someone else settled it first". */
  isLostRace(e: unknown): boolean
}

export type NotifyOutcome =
  'applied' | 'unchanged' | 'duplicate' | 'bad_signature' | 'bad_fields' | 'no_order' | 'mismatch'
export interface NotifyResult {
  status: 200 | 400 | 404
  outcome: NotifyOutcome
}

/**
 * A verified notification as `acp_notifications` keeps it: keyed by the sha256 of its signature;
 * the stored copy keeps neither the certificate and signature nor any card data.
 */
export function notificationRecord(fields: AcpFields): { signatureHash: string; params: string } {
  const signatureHash = createHash('sha256')
    .update(fields.signature ?? '')
    .digest('hex')
  const { signature: _s, signPubKeyCert: _c, accNo: _a, customerInfo: _i, tokenPayData: _t, ...kept } = fields
  return { signatureHash, params: JSON.stringify(kept) }
}

/** `POST` to a backUrl: verified (400), the merchant's (400), a known order (404) of the right type and amount (400), then stored and applied once. */
export async function applyNotification<O extends Settleable>(
  fields: AcpFields,
  t: SettleTarget<O> & {
    verifier: AcpVerifier
    merId: string
    notifications: Pick<AcpRepo, 'recordNotification' | 'setNotificationOutcome'>
    txnTypeOf(o: O): string | undefined
  },
): Promise<NotifyResult> {
  const v = t.verifier.verify(fields)
  if (!v.ok) {
    t.log.warn({ reason: v.reason, orderId: fields.orderId }, `${t.label} notification not verified`)
    return { status: 400, outcome: 'bad_signature' }
  }
  const orderId = fields.orderId ?? ''
  if (fields.merId !== t.merId || !orderId || !fields.respCode || !fields.txnType)
    return { status: 400, outcome: 'bad_fields' }
  const o = await t.get(orderId)
  if (!o) {
    t.log.warn({ orderId }, `${t.label} notification for an unknown order`)
    return { status: 404, outcome: 'no_order' }
  }
  if (t.txnTypeOf(o) !== fields.txnType || (fields.txnAmt !== undefined && Number(fields.txnAmt) !== o.amount)) {
    t.log.error(
      { orderId, txnType: fields.txnType, txnAmt: fields.txnAmt, ours: o.amount },
      `${t.label} notification does not match the order`,
    )
    return { status: 400, outcome: 'mismatch' }
  }
  const { signatureHash, params } = notificationRecord(fields)
  return t.atomic(async () => {
    const fresh = await t.notifications.recordNotification({
      signatureHash,
      orderId,
      txnType: fields.txnType!,
      respCode: fields.respCode!,
      outcome: 'received',
      params,
    })
    if (!fresh) return { status: 200 as const, outcome: 'duplicate' as const }
    let outcome: 'applied' | 'unchanged'
    try {
      outcome = await t.settle(
        (await t.lock(orderId))!,
        fields.respCode!,
        fields.respMsg ?? '',
        fields.queryId,
        'notify',
      )
    } catch (e) {
      if (!t.isLostRace(e)) throw e
      outcome = 'unchanged'
    }
    await t.notifications.setNotificationOutcome(signatureHash, outcome)
    return { status: 200 as const, outcome }
  })
}

/**
 * One status query (`00`) of an order whose outcome is unknown: the original's outcome in
 * `origRespCode` settles it (when the amount matches); still PENDING → the next query per
 * queryGap, or none and the reconciliation file decides.
 */
export async function queryOnce<O extends Settleable>(
  o: O,
  t: SettleTarget<O> & {
    query(o: O): Promise<AcpAnswer>
    scheduleCheck(orderId: string, nextCheckAt: number | null, toFile: boolean): Promise<void>
    clock: () => number
  },
): Promise<O> {
  let a: AcpAnswer | null = null
  try {
    a = await t.query(o)
  } catch (e) {
    if (!(e instanceof AcpError)) throw e
    t.log.info({ orderId: o.orderId, kind: e.kind }, `${t.label} query without a result`)
  }
  if (a && a.respCode === '00' && a.fields.origRespCode) {
    if (a.fields.txnAmt === undefined || Number(a.fields.txnAmt) === o.amount) {
      const answer = a
      try {
        await t.atomic(async () =>
          t.settle(
            (await t.lock(o.orderId))!,
            answer.fields.origRespCode!,
            answer.fields.origRespMsg ?? '',
            answer.fields.queryId,
            'query',
          ),
        )
      } catch (e) {
        if (!t.isLostRace(e)) throw e
      }
    } else
      t.log.error(
        { orderId: o.orderId, answered: a.fields.txnAmt, ours: o.amount },
        `${t.label} query answer does not match the order`,
      )
  }
  const after = (await t.get(o.orderId))!
  if (after.status === 'PENDING') {
    const gap = queryGap(after.checkCount + 1)
    await t.scheduleCheck(o.orderId, gap === null ? null : t.clock() + gap, gap === null)
    if (gap === null)
      t.log.warn(
        { orderId: o.orderId },
        `${t.label} order still unknown after the last query: left to the reconciliation file`,
      )
  }
  return (await t.get(o.orderId))!
}

/**
 * The reconciliation file's verdict on an order still PENDING (seed 003 FAQ 35: the file is
 * final): listed → `00` with its queryId, not listed → `34` 查无此交易. Same consequences as a
 * notification; called inside the reconciliation's transaction, so the order's row is locked.
 */
export async function settleByFile<O extends Settleable>(
  orderId: string,
  listed: { queryId: string } | null,
  t: SettleTarget<O>,
): Promise<'applied' | 'unchanged'> {
  const o = await t.lock(orderId)
  if (!o) throw new Error(`no ${t.label} order ${orderId}`)
  return listed
    ? t.settle(o, '00', '对账文件确认成功', listed.queryId, 'reconcile')
    : t.settle(o, '34', '对账文件无此交易', undefined, 'reconcile')
}
