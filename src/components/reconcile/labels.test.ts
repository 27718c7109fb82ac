import { describe, expect, it } from 'vitest'
import { formatSettleDate, grouped, lastClosedSettleDate } from './labels'

describe('reconcile labels', () => {
  it('proposes the last settle day whose 23:00 Beijing cut-off has passed', () => {
    expect(lastClosedSettleDate(Date.parse('2026-11-30T14:59:00Z'))).toBe('20261129')
    expect(lastClosedSettleDate(Date.parse('2026-11-30T15:00:00Z'))).toBe('20261130')
    expect(lastClosedSettleDate(Date.parse('2026-01-01T00:00:00Z'))).toBe('20251231')
    expect(formatSettleDate('20261130')).toBe('2026-11-30')
  })

  it('puts differences first, then what the file settled', () => {
    const item = (kind: 'MATCHED' | 'MISSING_IN_FILE' | 'SETTLED_FAILED', orderId: string) => ({
      kind,
      orderId,
      txnType: '01',
      source: 'acp',
      localAmount: 1,
      fileAmount: null,
      localStatus: null,
      queryId: null,
      accNoMasked: null,
      line: null,
    })
    const g = grouped([item('MATCHED', 'a'), item('MISSING_IN_FILE', 'b'), item('SETTLED_FAILED', 'c')])
    expect([g.mismatch.map((i) => i.orderId), g.settled.map((i) => i.orderId), g.matched.length]).toEqual([
      ['b'],
      ['c'],
      1,
    ])
  })
})
