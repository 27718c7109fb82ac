import { describe, expect, it } from 'vitest'
import { reversalText, statusText } from './labels'

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

describe('reversalText', () => {
  it('names the kind, amount and state; the merchant also reads why one failed', () => {
    const r = { kind: 'refund', amount: 150, status: 'SUCCESS', respMsg: null } as const
    expect(reversalText(r)).toBe('退款 ¥1.50 · 已完成')
    expect(reversalText({ ...r, kind: 'void', status: 'PENDING' })).toBe('撤销 ¥1.50 · 处理中')
    expect(reversalText({ ...r, status: 'FAILED', respMsg: '原交易不存在' })).toBe('退款 ¥1.50 · 失败')
    expect(reversalText({ ...r, status: 'FAILED', respMsg: '原交易不存在' }, true)).toBe(
      '退款 ¥1.50 · 失败 原交易不存在',
    )
  })
})
