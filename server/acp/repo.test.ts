import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb, testEngines } from '../test/db.ts'
import { AcpRepo, AcpTransitionError } from './repo.ts'

describe.each(testEngines)('AcpRepo on %s', (engine) => {
  let now = 1_000_000
  let db: Db
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

  beforeEach(async () => {
    now = 1_000_000
    db = await openTestDb(engine)
    repo = new AcpRepo(db, () => now)
  })
  afterEach(() => db.destroy())

  it('moves a status once: a repeated move is a no-op, an illegal one throws; each move has its event', async () => {
    await order('A0000000001')
    expect(await repo.transition('A0000000001', 'SUCCESS', 'notify', '00', { queryId: '123456789012345678901' })).toBe(
      true,
    )
    expect(await repo.transition('A0000000001', 'SUCCESS', 'query', '00')).toBe(false)
    await expect(repo.transition('A0000000001', 'FAILED', 'query', '01')).rejects.toThrow(AcpTransitionError)
    const o = await repo.get('A0000000001')
    expect(o).toMatchObject({ status: 'SUCCESS', queryId: '123456789012345678901', nextCheckAt: null, settledAt: now })
    expect((await repo.events('A0000000001')).map((e) => [e.fromStatus, e.toStatus, e.source])).toEqual([
      [null, 'PENDING', 'test'],
      ['PENDING', 'SUCCESS', 'notify'],
    ])
  })

  it('an idempotency key and a queryId belong to one order only', async () => {
    await order('A0000000001', { idempotencyKey: 'key-00000001' })
    await expect(order('A0000000002', { idempotencyKey: 'key-00000001' })).rejects.toThrow()
    expect((await repo.byIdempotencyKey('key-00000001'))?.orderId).toBe('A0000000001')
    expect(await repo.get('A0000000002')).toBeNull()
  })

  it('refunded amount can never exceed the amount (the table refuses it)', async () => {
    await order('A0000000001')
    await repo.addRefunded('A0000000001', 600, 'R1')
    await expect(repo.addRefunded('A0000000001', 401, 'R2')).rejects.toThrow()
    expect((await repo.get('A0000000001'))?.refundedAmount).toBe(600)
  })

  it('counts today’s pending and successful charges of a contract, not failed ones', async () => {
    await order('A0000000001')
    await order('A0000000002')
    await order('A0000000003')
    await repo.transition('A0000000002', 'SUCCESS', 'notify', null)
    await repo.transition('A0000000003', 'FAILED', 'answer', null)
    expect(await repo.chargedSince('C1', now - 1)).toBe(2000)
    expect(await repo.chargedSince('C1', now + 1)).toBe(0)
  })

  it('due orders are claimed once (a lease), and a notification is stored once', async () => {
    await order('A0000000001')
    expect(await repo.claimNextDue(now, 60_000)).toBeNull()
    now += 300_000
    expect((await repo.claimNextDue(now, 60_000))?.orderId).toBe('A0000000001')
    expect(await repo.claimNextDue(now, 60_000)).toBeNull()
    // the lease runs out: due again (no order starves when its claimer dies)
    now += 59_999
    expect(await repo.claimNextDue(now, 60_000)).toBeNull()
    now += 1
    expect((await repo.claimNextDue(now, 60_000))?.orderId).toBe('A0000000001')
    const n = {
      signatureHash: 'h',
      orderId: 'A0000000001',
      txnType: '01',
      respCode: '00',
      outcome: 'received',
      params: '{}',
    }
    expect(await repo.recordNotification(n)).toBe(true)
    expect(await repo.recordNotification(n)).toBe(false)
    expect(await repo.notificationCount('A0000000001')).toBe(1)
  })

  it('under concurrency: one move wins, one claimer per due order, one notification record', async () => {
    for (let i = 0; i < 10; i++) await order(`A00000001${String(i).padStart(2, '0')}`)
    const moves = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        repo.transition('A0000000100', i % 2 ? 'SUCCESS' : 'FAILED', 'race', null).catch((e: unknown) => {
          if (e instanceof AcpTransitionError) return false
          throw e
        }),
      ),
    )
    expect(moves.filter((m) => m === true)).toHaveLength(1)
    expect((await repo.events('A0000000100')).filter((e) => e.source === 'race')).toHaveLength(1)

    now += 300_000
    // three "instances" (separate repos over the same store) claim one at a time, all at once
    const claimers = [repo, new AcpRepo(db, () => now), new AcpRepo(db, () => now)]
    const claimAll = async (r: AcpRepo): Promise<string[]> => {
      const mine: string[] = []
      for (let o = await r.claimNextDue(now, 60_000); o; o = await r.claimNextDue(now, 60_000)) mine.push(o.orderId)
      return mine
    }
    const claimed = (await Promise.all(claimers.map(claimAll))).flat()
    expect(claimed.sort()).toEqual([...new Set(claimed)].sort())
    expect(claimed).toHaveLength(9) // the ten minus the one settled above

    const n = { signatureHash: 'hh', orderId: 'A0000000101', txnType: '01', respCode: '00', outcome: 'x', params: '{}' }
    const stored = await Promise.all(Array.from({ length: 10 }, () => repo.recordNotification(n)))
    expect(stored.filter(Boolean)).toHaveLength(1)
  })
})
