import { describe, expect, it } from 'vitest'
import { compare, isSettleDate, previousDay, settleWindow, type LocalTxn } from './compare.ts'
import { lastClosedSettleDate } from './service.ts'
import type { ZmRecord } from './zm-file.ts'

const local = (orderId: string, o: Partial<LocalTxn> = {}): LocalTxn => ({
  source: 'acp',
  orderId,
  txnType: '01',
  txnTime: '20261130100000',
  amount: 100,
  status: 'SUCCESS',
  queryId: null,
  buyerPaysLater: false,
  ...o,
})
const line = (orderId: string, o: Partial<ZmRecord> = {}): ZmRecord => ({
  line: 1,
  tradeCode: 'S56',
  traceTime: '1130100000',
  accNoMasked: '621661*********7010',
  txnAmt: 100,
  queryId: '991796080538825563932',
  orderId,
  txnType: '01',
  txnSubType: '01',
  bizType: '000201',
  origQryId: '',
  merId: '777290058110048',
  fee: -1,
  settleAmt: 99,
  ...o,
})

describe('settle day', () => {
  it('runs from 23:00 the day before to 23:00 (Beijing), across months and years', () => {
    expect(settleWindow('20261201')).toEqual({ from: '20261130230000', to: '20261201230000' })
    expect(previousDay('20260101')).toBe('20251231')
    expect(previousDay('20240301')).toBe('20240229')
    expect(isSettleDate('20240229')).toBe(true)
    expect(isSettleDate('20230229')).toBe(false)
    // 22:59 and 23:00 Beijing on 11-30
    expect(lastClosedSettleDate(Date.parse('2026-11-30T14:59:00Z'))).toBe('20261129')
    expect(lastClosedSettleDate(Date.parse('2026-11-30T15:00:00Z'))).toBe('20261130')
  })
})

describe('compare', () => {
  const kinds = (records: ZmRecord[], candidates: LocalTxn[], others: LocalTxn[] = []) =>
    compare('20261130', records, candidates, (id) => others.find((o) => o.orderId === id) ?? null).map((f) => [
      f.orderId,
      f.kind,
    ])

  it('gives every file line and every candidate one finding', () => {
    expect(
      kinds(
        [line('M'), line('P'), line('A', { txnAmt: 101 }), line('X'), line('F'), line('T', { txnType: '04' })],
        [
          local('M'),
          local('P', { status: 'PENDING' }),
          local('A'),
          local('N'),
          local('L', { status: 'PENDING' }),
          local('F', { status: 'FAILED' }),
          local('T'),
          local('G', { status: 'FAILED' }),
          local('V', { status: 'VOIDED' }),
        ],
      ),
    ).toEqual([
      ['M', 'MATCHED'],
      ['P', 'SETTLED_SUCCESS'],
      ['A', 'AMOUNT_DIFFERS'],
      ['X', 'MISSING_LOCALLY'],
      ['F', 'STATUS_DIFFERS'],
      ['T', 'STATUS_DIFFERS'],
      ['N', 'MISSING_IN_FILE'],
      ['L', 'SETTLED_FAILED'],
      ['V', 'MISSING_IN_FILE'],
    ])
  })

  it('matches a line sent outside the window through the lookup', () => {
    expect(kinds([line('Y')], [], [local('Y', { txnTime: '20261129225959' })])).toEqual([['Y', 'MATCHED']])
  })

  it('leaves a tn paid later pending for the next file, and fails it when that file lacks it too', () => {
    const today = local('TN1', { status: 'PENDING', buyerPaysLater: true, txnTime: '20261130225000' })
    const yesterday = local('TN0', { status: 'PENDING', buyerPaysLater: true, txnTime: '20261129225000' })
    expect(kinds([], [today, yesterday])).toEqual([
      ['TN1', 'AWAITING_NEXT_FILE'],
      ['TN0', 'SETTLED_FAILED'],
    ])
  })
})
