import { describe, expect, it } from 'vitest'
import { chargeLimitProblem, queryGap, refundProblem, voidProblem, type ConsumeFacts } from './rules.ts'

const paid: ConsumeFacts = {
  kind: 'contract',
  status: 'SUCCESS',
  amount: 1000,
  refundedAmount: 0,
  queryId: '123456789012345678901',
  txnTime: '20261130101010',
}

describe('全渠道 money rules', () => {
  it('charge limits: single, then daily including what was charged today', () => {
    const l = { single: 5000, daily: 20000 }
    expect(chargeLimitProblem(5000, l, 15000)).toBeNull()
    expect(chargeLimitProblem(5001, l, 0)?.code).toBe('LIMIT_SINGLE')
    expect(chargeLimitProblem(5000, l, 15001)?.code).toBe('LIMIT_DAILY')
    expect(chargeLimitProblem(5000, l, 15001)?.message).toContain('150.01')
  })
  it('void: same day, settled, nothing refunded, not twice', () => {
    expect(voidProblem(paid, '20261130', 0)).toBeNull()
    expect(voidProblem(paid, '20261201', 0)?.code).toBe('VOID_NOT_SAME_DAY')
    expect(voidProblem({ ...paid, refundedAmount: 1 }, '20261130', 0)?.code).toBe('VOID_AFTER_REFUND')
    expect(voidProblem(paid, '20261130', 1)?.code).toBe('VOID_AFTER_REFUND')
    expect(voidProblem({ ...paid, status: 'VOIDED' }, '20261130', 0)?.code).toBe('ALREADY_VOIDED')
    expect(voidProblem({ ...paid, status: 'PENDING' }, '20261130', 0)?.code).toBe('NOT_SETTLED')
    expect(voidProblem({ ...paid, kind: 'refund' }, '20261130', 0)?.code).toBe('NOT_A_CONSUME')
  })
  it('refund: partial and repeated, capped by refunded + pending', () => {
    expect(refundProblem(paid, 1000, 0)).toBeNull()
    expect(refundProblem({ ...paid, refundedAmount: 600 }, 400, 0)).toBeNull()
    expect(refundProblem({ ...paid, refundedAmount: 600 }, 401, 0)?.code).toBe('REFUND_EXCEEDS')
    expect(refundProblem({ ...paid, refundedAmount: 600 }, 300, 200)?.code).toBe('REFUND_EXCEEDS')
    expect(refundProblem({ ...paid, status: 'VOIDED' }, 1, 0)?.code).toBe('ALREADY_VOIDED')
  })
  it('queries: 5 minutes apart five times, then longer gaps, then the reconciliation file', () => {
    expect([0, 1, 2, 3, 4].map(queryGap)).toEqual(Array(5).fill(300_000))
    expect(queryGap(5)).toBe(1_800_000)
    expect(queryGap(6)! > queryGap(5)!).toBe(true)
    expect(queryGap(9)).toBeNull()
  })
})
