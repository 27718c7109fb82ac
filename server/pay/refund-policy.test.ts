import { describe, expect, it } from 'vitest'
import { RefundRefusedError } from './errors.ts'
import type { Order, Refund, RefundDivision } from './model.ts'
import {
  assertRefundFits,
  notifiedRefundFits,
  refundCap,
  refundDivisionProblems,
  refundIdProblems,
  statusAfterRefund,
} from './refund-policy.ts'

const A = '988460101800202'
const B = '988460101800203'

function order(o: Partial<Order> = {}): Order {
  return {
    merOrderId: '1017000000000000000000000001',
    kind: 'h5',
    channel: 'uac',
    instMid: 'H5DEFAULT',
    amount: 1000,
    refundedAmount: 0,
    status: 'TRADE_SUCCESS',
    secure: false,
    secureStatus: null,
    completedAmount: null,
    description: null,
    division: null,
    tn: null,
    targetOrderId: null,
    targetSys: null,
    payTime: null,
    expiresAt: null,
    notifiedAt: null,
    nextCheckAt: null,
    checkCount: 0,
    ownerOpenId: null,
    ownerBrowser: null,
    clientKey: null,
    seenAt: null,
    securePending: null,
    createdAt: 0,
    updatedAt: 0,
    ...o,
  }
}
function refund(amount: number, division: RefundDivision | null = null): Refund {
  return {
    refundOrderId: `R${amount}`,
    merOrderId: 'x',
    amount,
    status: 'PENDING',
    description: null,
    errCode: null,
    division,
    checkCount: 0,
    nextCheckAt: null,
    createdAt: 0,
    updatedAt: 0,
  }
}
const divided = order({
  division: {
    platformAmount: 200,
    subOrders: [
      { mid: A, totalAmount: 500 },
      { mid: B, totalAmount: 300 },
    ],
  },
})
const code = (fn: () => void) => {
  try {
    fn()
    return null
  } catch (e) {
    return e instanceof RefundRefusedError ? e.code : 'other'
  }
}

describe('refund policy', () => {
  it('caps at the amount, or at the completed part after a 担保完成', () => {
    expect(refundCap(order())).toBe(1000)
    expect(refundCap(order({ secure: true, completedAmount: 600, secureStatus: 'PARTLY_COMPLETED' }))).toBe(600)
    expect(code(() => assertRefundFits(order(), 1000, undefined, []))).toBeNull()
    expect(code(() => assertRefundFits(order(), 401, undefined, [refund(600)]))).toBe('EXCEEDS_AMOUNT')
    expect(
      code(() =>
        assertRefundFits(
          order({ secure: true, completedAmount: 600, secureStatus: 'PARTLY_COMPLETED' }),
          601,
          undefined,
          [],
        ),
      ),
    ).toBe('EXCEEDS_AMOUNT')
  })

  it('seed 2.3: an unfinished 担保 order cannot be refunded; a completed one can, a notified refund of it neither', () => {
    for (const secureStatus of [null, 'UNCOMPLETED'] as const) {
      expect(code(() => assertRefundFits(order({ secure: true, secureStatus }), 1, undefined, []))).toBe(
        'SECURE_UNCOMPLETED',
      )
      expect(notifiedRefundFits(order({ secure: true, secureStatus }), 1)).toBe(false)
    }
    expect(
      code(() =>
        assertRefundFits(
          order({ secure: true, secureStatus: 'ALL_COMPLETED', completedAmount: 1000 }),
          1000,
          undefined,
          [],
        ),
      ),
    ).toBeNull()
  })

  it('refuses an unpaid or closed order', () => {
    for (const status of ['NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN', 'TRADE_CLOSED'] as const) {
      expect(code(() => assertRefundFits(order({ status }), 1, undefined, []))).toBe('NOT_PAID')
    }
    expect(code(() => assertRefundFits(order({ status: 'TRADE_REFUND' }), 1, undefined, []))).toBeNull()
  })

  it('a divided order: the split is required, one sub-merchant, summing to the amount, known sub-merchants only', () => {
    expect(refundDivisionProblems(divided, 100, undefined)).toHaveLength(1)
    expect(
      refundDivisionProblems(divided, 300, {
        platformAmount: 100,
        subOrders: [
          { mid: A, totalAmount: 100 },
          { mid: B, totalAmount: 100 },
        ],
      }),
    ).toContain('一次只能对一个子商户退款（subOrders 最多 1 个元素）')
    expect(
      refundDivisionProblems(divided, 300, { platformAmount: 50, subOrders: [{ mid: A, totalAmount: 100 }] })[0],
    ).toContain('必须等于退款金额')
    expect(
      refundDivisionProblems(divided, 100, {
        platformAmount: 0,
        subOrders: [{ mid: '988460101800299', totalAmount: 100 }],
      })[0],
    ).toContain('不在原订单的分账中')
    expect(
      refundDivisionProblems(divided, 300, { platformAmount: 100, subOrders: [{ mid: A, totalAmount: 200 }] }),
    ).toEqual([])
    expect(refundDivisionProblems(order(), 10, { platformAmount: 10, subOrders: [] })).toHaveLength(1)
    expect(refundDivisionProblems(order(), 10, undefined)).toEqual([])
  })

  it('no share refunded beyond what the order gave it, counting earlier refunds', () => {
    const earlier = [refund(300, { platformAmount: 100, subOrders: [{ mid: A, totalAmount: 200 }] })]
    expect(code(() => assertRefundFits(divided, 101, { platformAmount: 101, subOrders: [] }, earlier))).toBe(
      'EXCEEDS_SHARE',
    )
    expect(code(() => assertRefundFits(divided, 100, { platformAmount: 100, subOrders: [] }, earlier))).toBeNull()
    expect(
      code(() =>
        assertRefundFits(divided, 301, { platformAmount: 0, subOrders: [{ mid: A, totalAmount: 301 }] }, earlier),
      ),
    ).toBe('EXCEEDS_SHARE')
    expect(
      code(() =>
        assertRefundFits(divided, 300, { platformAmount: 0, subOrders: [{ mid: A, totalAmount: 300 }] }, earlier),
      ),
    ).toBeNull()
  })

  it('refund ids start with the 来源编号; a full refund closes the order; notified refunds must fit', () => {
    expect(refundIdProblems('9999R01', '1017')).toHaveLength(1)
    expect(refundIdProblems('1017R01', '1017')).toEqual([])
    expect(refundIdProblems(undefined, '1017')).toEqual([])
    expect(statusAfterRefund(order(), 999)).toBe('TRADE_REFUND')
    expect(statusAfterRefund(order(), 1000)).toBe('TRADE_CLOSED')
    expect(
      statusAfterRefund(order({ secure: true, completedAmount: 600, secureStatus: 'PARTLY_COMPLETED' }), 600),
    ).toBe('TRADE_CLOSED')
    expect(notifiedRefundFits(order({ refundedAmount: 900 }), 100)).toBe(true)
    expect(notifiedRefundFits(order({ refundedAmount: 900 }), 101)).toBe(false)
    expect(notifiedRefundFits(order({ status: 'NEW_ORDER' }), 1)).toBe(false)
  })
})
