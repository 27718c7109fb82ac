import { beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../store/db.ts'
import { AcpRepo, AcpTransitionError } from './repo.ts'

let now = 1_000_000
let repo: AcpRepo
const order = (orderId: string, extra: Partial<Parameters<AcpRepo['insert']>[0]> = {}) =>
  repo.insert(
    {
      orderId,
      kind: 'contract',
      txnTime: '20261130120000',
      amount: 1000,
      contractId: 'C1',
      openId: 'o1',
      planId: 'PLAN0001',
      nextCheckAt: now + 300_000,
      ...extra,
    },
    'test',
  )

beforeEach(() => {
  repo = new AcpRepo(openDatabase('sqlite::memory:'), () => now)
})

describe('AcpRepo (real SQLite)', () => {
  it('moves a status once: a repeated move is a no-op, an illegal one throws; each move has its event', () => {
    order('A0000000001')
    expect(repo.transition('A0000000001', 'SUCCESS', 'notify', '00', { queryId: '123456789012345678901' })).toBe(true)
    expect(repo.transition('A0000000001', 'SUCCESS', 'query', '00')).toBe(false)
    expect(() => repo.transition('A0000000001', 'FAILED', 'query', '01')).toThrow(AcpTransitionError)
    const o = repo.get('A0000000001')!
    expect(o).toMatchObject({ status: 'SUCCESS', queryId: '123456789012345678901', nextCheckAt: null, settledAt: now })
    expect(repo.events('A0000000001').map((e) => [e.fromStatus, e.toStatus, e.source])).toEqual([
      [null, 'PENDING', 'test'],
      ['PENDING', 'SUCCESS', 'notify'],
    ])
  })

  it('an idempotency key and a queryId belong to one order only', () => {
    order('A0000000001', { idempotencyKey: 'key-00000001' })
    expect(() => order('A0000000002', { idempotencyKey: 'key-00000001' })).toThrow()
    expect(repo.byIdempotencyKey('key-00000001')?.orderId).toBe('A0000000001')
  })

  it('refunded amount can never exceed the amount (the table refuses it)', () => {
    order('A0000000001')
    repo.addRefunded('A0000000001', 600, 'R1')
    expect(() => repo.addRefunded('A0000000001', 401, 'R2')).toThrow()
    expect(repo.get('A0000000001')!.refundedAmount).toBe(600)
  })

  it('counts today’s pending and successful charges of a contract, not failed ones', () => {
    order('A0000000001')
    order('A0000000002')
    order('A0000000003')
    repo.transition('A0000000002', 'SUCCESS', 'notify', null)
    repo.transition('A0000000003', 'FAILED', 'answer', null)
    expect(repo.chargedSince('C1', now - 1)).toBe(2000)
    expect(repo.chargedSince('C1', now + 1)).toBe(0)
  })

  it('due orders are claimed once (a lease), and a notification is stored once', () => {
    order('A0000000001')
    expect(repo.claimDue(now, 60_000)).toHaveLength(0)
    now += 300_000
    expect(repo.claimDue(now, 60_000).map((o) => o.orderId)).toEqual(['A0000000001'])
    expect(repo.claimDue(now, 60_000)).toHaveLength(0)
    const n = {
      signatureHash: 'h',
      orderId: 'A0000000001',
      txnType: '01',
      respCode: '00',
      outcome: 'received',
      params: '{}',
    }
    expect(repo.recordNotification(n)).toBe(true)
    expect(repo.recordNotification(n)).toBe(false)
    expect(repo.notificationCount('A0000000001')).toBe(1)
  })
})
