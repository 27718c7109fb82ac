import type { PreauthHoldView } from '@common/api'
import { describe, expect, it } from 'vitest'
import { holdStatusText, standing } from './labels'

const base: PreauthHoldView = {
  orderId: 'P1',
  kind: 'hold',
  amount: 100,
  status: 'SUCCESS',
  respCode: '00',
  respMsg: null,
  needsReconciliation: false,
  createdAt: 0,
  settledAt: 0,
  bindingId: 'B1',
  completion: null,
  followUps: [],
}
const completion = { ...base, kind: 'completion' as const, orderId: 'P2' }

describe('pre-authorisation labels', () => {
  it('reads a hold the way its holder sees it', () => {
    expect([holdStatusText(base), standing(base)]).toEqual(['冻结中', true])
    expect([holdStatusText({ ...base, completion }), standing({ ...base, completion })]).toEqual(['已完成扣款', false])
    const busy = { ...base, followUps: [{ ...completion, status: 'PENDING' as const }] }
    expect([holdStatusText(busy), standing(busy)]).toEqual(['处理中', false])
    expect(holdStatusText({ ...base, status: 'VOIDED' })).toBe('已撤销（已解冻）')
    expect(holdStatusText({ ...base, status: 'FAILED', respMsg: '卡上的余额不足' })).toBe('冻结失败：卡上的余额不足')
  })
})
