/**
 * The pre-authorisation money rules, pure (docs/preauth.md): a hold is voided or completed only
 * while it stands, within 30 days; a completion is at most `maxRatio` of the hold (1 = the hold;
 * UnionPay allows up to 1.15); voids are for the full amount; a completion is voided only on its
 * settle day, and the hold then stands again.
 */

export type PreauthProblemCode =
  | 'PREAUTH_NOT_HELD'
  | 'PREAUTH_EXPIRED'
  | 'PREAUTH_COMPLETED'
  | 'PREAUTH_BUSY'
  | 'COMPLETION_EXCEEDS'
  | 'COMPLETION_NOT_SETTLED'
  | 'COMPLETION_VOID_NOT_SAME_DAY'

export interface PreauthProblem {
  code: PreauthProblemCode
  message: string
}

export interface HoldFacts {
  kind: string
  status: string
  amount: number
  queryId: string | null
  /** ms */
  createdAt: number
}

export const HOLD_DAYS = 30
const yuan = (fen: number) => (fen / 100).toFixed(2)

/** Whether the hold can take a void or a completion now. */
function standing(h: HoldFacts, now: number, activeCompletion: boolean, pending: boolean): PreauthProblem | null {
  if (h.kind !== 'hold') return { code: 'PREAUTH_NOT_HELD', message: '这不是一笔预授权' }
  if (h.status !== 'SUCCESS' || !h.queryId) return { code: 'PREAUTH_NOT_HELD', message: '预授权未成功或已撤销' }
  if (now - h.createdAt > HOLD_DAYS * 86_400_000)
    return { code: 'PREAUTH_EXPIRED', message: `预授权已超过 ${HOLD_DAYS} 天，已自动解冻` }
  if (pending) return { code: 'PREAUTH_BUSY', message: '这笔预授权还有处理中的操作，请稍后再试' }
  if (activeCompletion) return { code: 'PREAUTH_COMPLETED', message: '预授权已完成；如需更改请先撤销预授权完成' }
  return null
}

export function holdVoidProblem(
  h: HoldFacts,
  now: number,
  activeCompletion: boolean,
  pending: boolean,
): PreauthProblem | null {
  return standing(h, now, activeCompletion, pending)
}

export function completionProblem(
  h: HoldFacts,
  amount: number,
  maxRatio: number,
  now: number,
  activeCompletion: boolean,
  pending: boolean,
): PreauthProblem | null {
  const p = standing(h, now, activeCompletion, pending)
  if (p) return p
  const max = Math.floor(h.amount * maxRatio)
  if (amount > max)
    return {
      code: 'COMPLETION_EXCEEDS',
      message: `完成金额超过预授权金额：最多 ${yuan(max)} 元，本次 ${yuan(amount)} 元`,
    }
  return null
}

/** 33: a settled completion, on the settle day it was made (today's 23:00 cut-off), in full. */
export function completionVoidProblem(
  c: { kind: string; status: string; queryId: string | null; txnTime: string },
  todaySettleDay: string,
  settleDayOf: (txnTime: string) => string,
  pending: boolean,
): PreauthProblem | null {
  if (c.kind !== 'completion' || c.status !== 'SUCCESS' || !c.queryId)
    return { code: 'COMPLETION_NOT_SETTLED', message: '预授权完成尚未成功或已撤销' }
  if (settleDayOf(c.txnTime) !== todaySettleDay)
    return { code: 'COMPLETION_VOID_NOT_SAME_DAY', message: '预授权完成撤销仅限当日（清算日）' }
  if (pending) return { code: 'PREAUTH_BUSY', message: '这笔预授权完成还有处理中的操作，请稍后再试' }
  return null
}
