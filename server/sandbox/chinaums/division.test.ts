import { describe, expect, it } from 'vitest'
import { ORDER_DIVISION_CASES, REFUND_DIVISION } from '../../test-vectors/chinaums.ts'
import { orderSplit, refundSplitProblem, type OrderSplit, type RefundSplit } from './division.ts'

describe('sandbox 分账 rules against the shared cases', () => {
  for (const c of ORDER_DIVISION_CASES) {
    it(`order (seed 1.1): ${c.name} → ${c.valid ? 'accepted' : 'refused'}`, () => {
      const r = orderSplit(c.totalAmount, c.platformAmount, c.subOrders ?? [], c.goods ?? [], c.secureTransaction)
      expect('refused' in r ? r.refused : 'accepted').toEqual(c.valid ? 'accepted' : [expect.any(String)])
    })
  }

  it('refunds (seed 1.3), step by step', () => {
    const o = REFUND_DIVISION.order
    const split = orderSplit(o.totalAmount, o.platformAmount, o.subOrders, [], false) as OrderSplit
    const done: RefundSplit[] = []
    const outcomes = REFUND_DIVISION.steps.map((s) => {
      const platformAmount: number | undefined = 'platformAmount' in s ? s.platformAmount : undefined
      const problem = refundSplitProblem(split, done, s.refundAmount, platformAmount ?? null, s.subOrders)
      if (!problem) done.push({ platformAmount: platformAmount ?? 0, subOrders: [...s.subOrders] })
      return problem === null
    })
    expect(outcomes).toEqual(REFUND_DIVISION.steps.map((s) => s.accepted))
  })

  it('goods shares are proportional to (totalAmount − platformAmount), and cap refunds', () => {
    const split = orderSplit(
      1000,
      200,
      [],
      [
        { subMerchantId: 'A', subOrderAmount: 750 },
        { subMerchantId: 'B', subOrderAmount: 250 },
      ],
      false,
    ) as OrderSplit
    expect(split.shares).toEqual([
      { mid: 'A', totalAmount: 600 },
      { mid: 'B', totalAmount: 200 },
    ])
    expect(refundSplitProblem(split, [], 201, 0, [{ mid: 'B', totalAmount: 201 }])?.errCode).toBe(
      'OPERATION_NOT_ALLOWED',
    )
    expect(refundSplitProblem(split, [], 200, 0, [{ mid: 'B', totalAmount: 200 }])).toBeNull()
  })

  it('a refund of the platform’s part alone may leave subOrders out', () => {
    const split: OrderSplit = { platformAmount: 10, shares: [] }
    expect(refundSplitProblem(split, [], 10, 10, [])).toBeNull()
    expect(refundSplitProblem(split, [], 11, 11, [])?.errCode).toBe('OPERATION_NOT_ALLOWED')
  })
})
