import { describe, expect, it } from 'vitest'
import { statusText } from './labels'

describe('全渠道 status text', () => {
  it('names refunds and voids the way the user thinks of them', () => {
    expect(statusText({ status: 'SUCCESS', refundedAmount: 0, amount: 100, kind: 'contract' })).toBe('扣款成功')
    expect(statusText({ status: 'SUCCESS', refundedAmount: 40, amount: 100, kind: 'contract' })).toBe('部分退款')
    expect(statusText({ status: 'SUCCESS', refundedAmount: 100, amount: 100, kind: 'contract' })).toBe('已全额退款')
    expect(statusText({ status: 'VOIDED', refundedAmount: 0, amount: 100, kind: 'contract' })).toBe('已撤销')
    expect(statusText({ status: 'PENDING', refundedAmount: 0, amount: 100, kind: 'tn' })).toBe('处理中')
    expect(statusText({ status: 'SUCCESS', refundedAmount: 0, amount: 100, kind: 'tn' })).toBe('支付成功')
  })
})
