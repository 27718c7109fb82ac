import { compactTimestamp, parseCompactTimestamp } from '../../time.ts'

/** 无跳转 rules, pure: reversal eligibility and how long an SMS step stays usable. */

export type NojumpProblemCode = 'NOT_A_CONSUME' | 'REVERSAL_NOT_UNKNOWN' | 'REVERSAL_WINDOW_CLOSED' | 'SMS_STEP_EXPIRED'

export interface NojumpProblem {
  code: NojumpProblemCode
  message: string
}

/**
 * A step that reuses an SMS request's orderId/txnTime (open, consume) must follow it within this
 * time: the gateway wants a current txnTime, and the sandbox's codes live 5 minutes.
 */
export const SMS_STEP_TTL_MS = 10 * 60_000

export function smsStepProblem(txnTime: string, now: number): NojumpProblem | null {
  const t = parseCompactTimestamp(txnTime)
  if (Number.isNaN(t) || now - t > SMS_STEP_TTL_MS)
    return { code: 'SMS_STEP_EXPIRED', message: '验证码已过期，请重新获取' }
  return null
}

/** The 冲正 window's day of `ms`: yesterday 23:00 to today 23:00 Beijing is one day (seed 001). */
export function reversalDay(ms: number): string {
  return compactTimestamp(ms + 3600_000).slice(0, 8)
}

/**
 * 冲正 (99) only for a consume whose outcome is unknown (timeout, 03/04/05, no answer) and only
 * within the original's window; a known success is voided or refunded instead (seed 001).
 */
export function reversalProblem(
  o: { kind: string; status: string; txnTime: string },
  now: number,
): NojumpProblem | null {
  if (o.kind !== 'consume') return { code: 'NOT_A_CONSUME', message: '只能冲正消费交易' }
  if (o.status !== 'PENDING')
    return {
      code: 'REVERSAL_NOT_UNKNOWN',
      message: '冲正仅用于结果未知（超时）的交易；已成功的交易请撤销或退货',
    }
  const t = parseCompactTimestamp(o.txnTime)
  if (Number.isNaN(t) || reversalDay(t) !== reversalDay(now))
    return {
      code: 'REVERSAL_WINDOW_CLOSED',
      message: '已超过冲正时限（原交易当日，昨日23:00至本日23:00），请等待查询或对账结果',
    }
  return null
}
