/**
 * 担保交易 rules (seed 004 1.1 secureTransaction, 1.5, 1.6, 2.3), pure.
 */
import type { Order, SecureStatus } from './model.ts'

/** Seed 1.1: "30天后没有主动调用担保完成且没有主动调用担保撤销的交易将会自动按撤销处理". */
export const SECURE_AUTO_CANCEL_MS = 30 * 24 * 3600_000
/** We ask about an unfinished 担保 order this long after the auto-cancel should have happened. */
export const SECURE_AUTO_CANCEL_CHECK_GRACE_MS = 3600_000

const SECURE_STATUSES: readonly SecureStatus[] = ['UNCOMPLETED', 'PARTLY_COMPLETED', 'ALL_COMPLETED', 'CANCELED']

export function isSecureStatus(s: unknown): s is SecureStatus {
  return typeof s === 'string' && (SECURE_STATUSES as readonly string[]).includes(s)
}

/** A paid 担保 order neither completed nor cancelled yet (null = paid before we stored UNCOMPLETED). */
export function isSecureUnfinished(o: Order): boolean {
  return o.secure && (o.secureStatus === null || o.secureStatus === 'UNCOMPLETED')
}

/** When an unfinished 担保 order paid at `paidAt` should be asked about (the 30-day auto-cancel). */
export function autoCancelCheckAt(paidAt: number): number {
  return paidAt + SECURE_AUTO_CANCEL_MS + SECURE_AUTO_CANCEL_CHECK_GRACE_MS
}

/** A 分 amount as a platform sends it (number or digits); undefined when absent or not one. */
export function amountOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v.trim()) ? Number(v.trim()) : NaN
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}
