import { isCompactDate } from '../../time.ts'
import type { ReconcileFindingKind, ReconcileFindingView } from '../../../common/api.ts'
import type { ZmRecord } from './zm-file.ts'

/**
 * The reconciliation rules, pure: which of our transactions belong to a settle day, and what the
 * file (final, seed 003 FAQ 35) says about each. docs/reconcile.md explains every rule.
 */

export type LocalStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'

/** One of our money transactions as the file would list it. */
export interface LocalTxn {
  /** Which feature holds it (acp orders, token payments, pre-authorisations). */
  source: string
  orderId: string
  /** The 全渠道 txnType we sent (01, 31, 04, 03, 33). */
  txnType: string
  /** yyyyMMddHHmmss, Beijing, as sent. */
  txnTime: string
  amount: number
  status: LocalStatus
  queryId: string | null
  /** Settled when the buyer acts later (a tn paid in the app), not when we sent it. */
  buyerPaysLater: boolean
}

export type FindingKind = ReconcileFindingKind
export type Finding = ReconcileFindingView

export const MISMATCH_KINDS: readonly FindingKind[] = [
  'MISSING_LOCALLY',
  'MISSING_IN_FILE',
  'AMOUNT_DIFFERS',
  'STATUS_DIFFERS',
]

/** The previous calendar day of YYYYMMDD. */
export function previousDay(yyyymmdd: string): string {
  const d = new Date(Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8) - 1))
  return d.toISOString().slice(0, 10).replaceAll('-', '')
}

/** The settle day (YYYYMMDD) of a txnTime: from 23:00 on, the next day's. */
export function settleDayOf(txnTime: string): string {
  if (txnTime.slice(8) < '230000') return txnTime.slice(0, 8)
  const d = new Date(Date.UTC(+txnTime.slice(0, 4), +txnTime.slice(4, 6) - 1, +txnTime.slice(6, 8) + 1))
  return d.toISOString().slice(0, 10).replaceAll('-', '')
}

/** Is YYYYMMDD a real date? */
export const isSettleDate = isCompactDate

/**
 * The txnTime range `[from, to)` of settle day D: the clearing day runs from 23:00 the day before
 * to 23:00 (Beijing), as seed 001 puts it ("昨日23:00至本日23:00").
 */
export function settleWindow(settleDate: string): { from: string; to: string } {
  return { from: `${previousDay(settleDate)}230000`, to: `${settleDate}230000` }
}

const CLEARED: readonly LocalStatus[] = ['SUCCESS', 'VOIDED']

function finding(
  kind: FindingKind,
  orderId: string,
  txnType: string,
  local: LocalTxn | null,
  file: ZmRecord | null,
): Finding {
  return {
    kind,
    orderId,
    txnType,
    source: local?.source ?? null,
    localAmount: local?.amount ?? null,
    fileAmount: file?.txnAmt ?? null,
    localStatus: local?.status ?? null,
    queryId: file?.queryId ?? local?.queryId ?? null,
    accNoMasked: file?.accNoMasked ?? null,
    line: file?.line ?? null,
  }
}

/**
 * Compares the file of settle day D with our records.
 * - `candidates`: our transactions sent in D's window, plus those of the previous window whose
 *   buyer pays later and which are still PENDING (they may clear a day late).
 * - `lookup`: any of our transactions by orderId (a file line may be one sent outside the window).
 * Every file line and every candidate yields exactly one finding.
 */
export function compare(
  settleDate: string,
  records: readonly ZmRecord[],
  candidates: readonly LocalTxn[],
  lookup: (orderId: string) => LocalTxn | null,
): Finding[] {
  const out: Finding[] = []
  const listed = new Set<string>()
  for (const r of records) {
    const local = candidates.find((c) => c.orderId === r.orderId) ?? lookup(r.orderId)
    listed.add(r.orderId)
    if (!local) out.push(finding('MISSING_LOCALLY', r.orderId, r.txnType, null, r))
    else if (local.txnType !== r.txnType || local.status === 'FAILED')
      out.push(finding('STATUS_DIFFERS', r.orderId, r.txnType, local, r))
    else if (local.amount !== r.txnAmt) out.push(finding('AMOUNT_DIFFERS', r.orderId, r.txnType, local, r))
    else if (local.status === 'PENDING') out.push(finding('SETTLED_SUCCESS', r.orderId, r.txnType, local, r))
    else out.push(finding('MATCHED', r.orderId, r.txnType, local, r))
  }
  const { from } = settleWindow(settleDate)
  for (const c of candidates) {
    if (listed.has(c.orderId) || c.status === 'FAILED') continue
    if (CLEARED.includes(c.status)) out.push(finding('MISSING_IN_FILE', c.orderId, c.txnType, c, null))
    else if (c.buyerPaysLater && c.txnTime >= from)
      out.push(finding('AWAITING_NEXT_FILE', c.orderId, c.txnType, c, null))
    else out.push(finding('SETTLED_FAILED', c.orderId, c.txnType, c, null))
  }
  return out
}
