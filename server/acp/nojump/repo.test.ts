import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../store/kysely-db.ts'
import { openTestDb, testEngines } from '../../test/db.ts'
import { NojumpRepo, NojumpTransitionError } from './repo.ts'

describe.each(testEngines)('NojumpRepo on %s', (engine) => {
  let now = 1_000_000
  let db: Db
  let repo: NojumpRepo
  const binding = (id: string, openOrderId = `O${id}`) =>
    repo.insertBinding({
      id,
      openId: 'o1',
      via: 'back',
      trId: '62000000001',
      maskedPan: '622638******0095',
      openOrderId,
      openTxnTime: '20261130120000',
    })
  const order = (orderId: string, extra: Partial<Parameters<NojumpRepo['insertOrder']>[0]> = {}) =>
    repo.insertOrder(
      {
        orderId,
        kind: 'consume',
        status: 'PENDING',
        txnTime: '20261130120000',
        amount: 1000,
        openId: 'o1',
        nextCheckAt: now + 300_000,
        ...extra,
      },
      'test',
    )
  const moveOrFalse = (p: Promise<boolean>) =>
    p.catch((e: unknown) => {
      if (e instanceof NojumpTransitionError) return false
      throw e
    })

  beforeEach(async () => {
    now = 1_000_000
    db = await openTestDb(engine)
    repo = new NojumpRepo(db, () => now)
  })
  afterEach(() => db.destroy())

  it('a binding opens once with its token; an illegal move throws; each move has its event', async () => {
    await binding('B1')
    expect(await repo.moveBinding('B1', 'ACTIVE', 'answer', { token: '9000000000000000001', respCode: '00' })).toBe(
      true,
    )
    expect(await repo.moveBinding('B1', 'ACTIVE', 'query', { token: '9000000000000000002' })).toBe(false)
    await expect(repo.moveBinding('B1', 'FAILED', 'query')).rejects.toThrow(NojumpTransitionError)
    expect(await repo.binding('B1')).toMatchObject({ status: 'ACTIVE', token: '9000000000000000001', respCode: '00' })
    expect((await repo.events('B1')).map((e) => [e.fromStatus, e.toStatus, e.source])).toEqual([
      [null, 'OPENING', 'back'],
      ['OPENING', 'ACTIVE', 'answer'],
    ])
    expect((await repo.bindingByOpenOrder('OB1'))?.id).toBe('B1')
    expect((await repo.bindingsOf('o1')).map((b) => b.id)).toEqual(['B1'])
  })

  it('a token belongs to one active binding; an opening orderId to one binding', async () => {
    await binding('B1')
    await binding('B2')
    await repo.moveBinding('B1', 'ACTIVE', 'answer', { token: '9000000000000000001' })
    await expect(repo.moveBinding('B2', 'ACTIVE', 'answer', { token: '9000000000000000001' })).rejects.toThrow()
    expect((await repo.binding('B2'))?.status).toBe('OPENING')
    await expect(binding('B3', 'OB1')).rejects.toThrow()
    expect(await repo.binding('B3')).toBeNull()
    // 更新标记 replaces the token of an active binding only
    await repo.replaceToken('B1', '9000000000000000009', '203012', 'update')
    await repo.replaceToken('B2', '9000000000000000008', null, 'update')
    expect(await repo.binding('B1')).toMatchObject({ token: '9000000000000000009', tokenEnd: '203012' })
    expect((await repo.binding('B2'))?.token).toBeNull()
  })

  it('an order moves once; a final move ends its queries; the refunded amount is capped by the table', async () => {
    await order('N1', { status: 'DRAFT', nextCheckAt: undefined })
    expect(await repo.move('N1', 'PENDING', 'pay', null, { nextCheckAt: now + 300_000 })).toBe(true)
    expect((await repo.order('N1'))?.nextCheckAt).toBe(now + 300_000)
    expect(await repo.move('N1', 'SUCCESS', 'notify', '00', { queryId: '123456789012345678901' })).toBe(true)
    expect(await repo.move('N1', 'SUCCESS', 'query', '00')).toBe(false)
    await expect(repo.move('N1', 'REVERSED', 'reversal', null)).rejects.toThrow(NojumpTransitionError)
    expect(await repo.order('N1')).toMatchObject({
      status: 'SUCCESS',
      queryId: '123456789012345678901',
      nextCheckAt: null,
      settledAt: now,
    })
    await order('N2', { kind: 'refund', origOrderId: 'N1', amount: 300 })
    await order('N3', { kind: 'void', origOrderId: 'N1', amount: 1000 })
    expect(await repo.pendingReversals('N1', 'refund')).toBe(300)
    expect(await repo.pendingReversals('N1', 'any')).toBe(1300)
    expect((await repo.reversalsOf('N1')).map((o) => o.orderId)).toEqual(['N2', 'N3'])
    await repo.addRefunded('N1', 600, 'N2')
    await expect(repo.addRefunded('N1', 401, 'N4')).rejects.toThrow()
    expect((await repo.order('N1'))?.refundedAmount).toBe(600)
    expect((await repo.events('N1')).map((e) => e.toStatus)).toEqual(['DRAFT', 'PENDING', 'SUCCESS', 'SUCCESS'])
  })

  it('due orders are claimed once (a lease that runs out); a query reschedules only a PENDING order', async () => {
    await order('N1')
    expect(await repo.claimDue(now, 60_000)).toHaveLength(0)
    now += 300_000
    expect((await repo.claimDue(now, 60_000)).map((o) => o.orderId)).toEqual(['N1'])
    expect(await repo.claimDue(now, 60_000)).toHaveLength(0)
    now += 60_000
    expect((await repo.claimDue(now, 60_000)).map((o) => o.orderId)).toEqual(['N1'])
    await repo.scheduleCheck('N1', null, true)
    expect(await repo.order('N1')).toMatchObject({ checkCount: 1, nextCheckAt: null, needsReconciliation: true })
    await repo.move('N1', 'FAILED', 'reconcile', null)
    await repo.scheduleCheck('N1', now, false)
    expect(await repo.order('N1')).toMatchObject({ checkCount: 1, nextCheckAt: null })
  })

  it('under concurrency: one move wins per order and per binding, one claimer per due order', async () => {
    for (let i = 0; i < 10; i++) await order(`N${String(i).padStart(2, '0')}`)
    const moves = await Promise.all(
      Array.from({ length: 8 }, (_, i) => moveOrFalse(repo.move('N00', i % 2 ? 'SUCCESS' : 'FAILED', 'race', null))),
    )
    expect(moves.filter((m) => m === true)).toHaveLength(1)
    expect((await repo.events('N00')).filter((e) => e.source === 'race')).toHaveLength(1)

    await binding('B1')
    const opens = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        moveOrFalse(repo.moveBinding('B1', i % 2 ? 'ACTIVE' : 'FAILED', 'race', { token: `900000000000000000${i}` })),
      ),
    )
    expect(opens.filter((m) => m === true)).toHaveLength(1)
    expect((await repo.events('B1')).filter((e) => e.source === 'race')).toHaveLength(1)

    now += 300_000
    // three "instances" (separate repos over the same store) claim at once
    const claimers = [repo, new NojumpRepo(db, () => now), new NojumpRepo(db, () => now)]
    const claimed = (await Promise.all(claimers.map((r) => r.claimDue(now, 60_000, 20)))).flat().map((o) => o.orderId)
    expect(claimed.sort()).toEqual([...new Set(claimed)].sort())
    expect(claimed).toHaveLength(9) // the ten minus the one settled above
  })
})
