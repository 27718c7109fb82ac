import type { PlanLimits } from './config.ts'

/** The 全渠道 money rules, pure: contract charge limits, void and refund eligibility, query pacing. */

export type ProblemCode =
  | 'LIMIT_SINGLE'
  | 'LIMIT_DAILY'
  | 'NOT_A_CONSUME'
  | 'ALREADY_VOIDED'
  | 'NOT_SETTLED'
  | 'VOID_NOT_SAME_DAY'
  | 'VOID_AFTER_REFUND'
  | 'REFUND_EXCEEDS'

export interface Problem {
  code: ProblemCode
  message: string
}

const yuan = (fen: number) => (fen / 100).toFixed(2)

/** Kinds that are consumes: tn (手机控件), contract (无感支付), consume (无跳转 token). */
const CONSUME_KINDS: ReadonlySet<string> = new Set(['tn', 'contract', 'consume'])

export function chargeLimitProblem(amount: number, limits: PlanLimits, usedToday: number): Problem | null {
  if (amount > limits.single)
    return {
      code: 'LIMIT_SINGLE',
      message: `超过单笔限额：本次 ${yuan(amount)} 元，单笔最多 ${yuan(limits.single)} 元`,
    }
  if (usedToday + amount > limits.daily)
    return {
      code: 'LIMIT_DAILY',
      message: `超过单日限额：今日已扣 ${yuan(usedToday)} 元，本次 ${yuan(amount)} 元，单日最多 ${yuan(limits.daily)} 元`,
    }
  return null
}

export interface ConsumeFacts {
  kind: string
  status: string
  amount: number
  refundedAmount: number
  queryId: string | null
  txnTime: string
}

/** 31: only a settled consume of the same Beijing day, in full, with nothing refunded or pending. */
export function voidProblem(c: ConsumeFacts, todayTxnDate: string, pendingReversals: number): Problem | null {
  if (!CONSUME_KINDS.has(c.kind)) return { code: 'NOT_A_CONSUME', message: '只能撤销消费交易' }
  if (c.status === 'VOIDED') return { code: 'ALREADY_VOIDED', message: '该交易已撤销' }
  if (c.status !== 'SUCCESS' || !c.queryId) return { code: 'NOT_SETTLED', message: '交易尚未成功，不能撤销' }
  if (c.txnTime.slice(0, 8) !== todayTxnDate)
    return { code: 'VOID_NOT_SAME_DAY', message: '撤销仅限当日交易，请改用退货（退款）' }
  if (c.refundedAmount > 0 || pendingReversals > 0)
    return { code: 'VOID_AFTER_REFUND', message: '已有退货的交易不能撤销' }
  return null
}

/** 04: partial and repeated, never more than what was paid minus refunded and pending refunds. */
export function refundProblem(c: ConsumeFacts, amount: number, pendingRefunds: number): Problem | null {
  if (!CONSUME_KINDS.has(c.kind)) return { code: 'NOT_A_CONSUME', message: '只能对消费交易退货' }
  if (c.status === 'VOIDED') return { code: 'ALREADY_VOIDED', message: '该交易已撤销，不能再退货' }
  if (c.status !== 'SUCCESS' || !c.queryId) return { code: 'NOT_SETTLED', message: '交易尚未成功，不能退货' }
  const left = c.amount - c.refundedAmount - pendingRefunds
  if (amount > left)
    return { code: 'REFUND_EXCEEDS', message: `退货金额超过可退金额：最多还可退 ${yuan(Math.max(0, left))} 元` }
  return null
}

export const FIRST_QUERY_AFTER_MS = 5 * 60_000
const LATER_GAPS_MS = [30 * 60_000, 2 * 3600_000, 6 * 3600_000, 12 * 3600_000]

/**
 * Seed 003 FAQ 35 / seed 000 交易状态查询: wait for the notification, query no earlier than 5
 * minutes after, 5 queries (5 minutes apart), then longer gaps; null when queries stop and the
 * transaction is left to the reconciliation file.
 */
export function queryGap(checksDone: number): number | null {
  if (checksDone < 5) return FIRST_QUERY_AFTER_MS
  return LATER_GAPS_MS[checksDone - 5] ?? null
}
