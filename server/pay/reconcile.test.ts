import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb } from '../test/db.ts'
import type { Order } from './model.ts'
import { Reconciler, type TimerApi } from './reconcile.ts'
import { openPayRecords } from './records.ts'

let db: Db | undefined
afterEach(async () => db?.destroy())

async function setup() {
  let now = 0
  db = await openTestDb()
  const records = openPayRecords(db, () => now)
  const store = records.orders
  const reconciled: string[] = []
  const checker = {
    reconcile: vi.fn(async (o: Order) => {
      reconciled.push(o.merOrderId)
      await records.checks.scheduleOrder(o.merOrderId, now + 600_000, true)
      return o
    }),
    reconcileRefund: vi.fn(),
  }
  const pending: Array<{ fn: () => void; ms: number; cleared: boolean }> = []
  const timers: TimerApi = {
    setTimeout: (fn, ms) => {
      const t = { fn, ms, cleared: false }
      pending.push(t)
      return t
    },
    clearTimeout: (h) => void ((h as { cleared: boolean }).cleared = true),
  }
  const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() } as unknown as FastifyBaseLogger
  const rec = new Reconciler({
    checker,
    checks: records.checks,
    clock: () => now,
    log,
    timers,
    intervalMs: 1000,
    batch: 2,
  })
  return { store, checks: records.checks, rec, pending, reconciled, setNow: (t: number) => (now = t) }
}

describe('Reconciler', () => {
  it('runs on its timer, takes due orders a few at a time, and stops cleanly', async () => {
    const { store, rec, pending, reconciled, setNow } = await setup()
    for (const id of ['1017A00001', '1017A00002', '1017A00003']) {
      await store.create({
        merOrderId: id,
        kind: 'h5',
        channel: 'uac',
        instMid: 'H5DEFAULT',
        amount: 1,
        nextCheckAt: 300_000,
      })
    }
    rec.start()
    expect(pending).toHaveLength(1)
    expect(pending[0]?.ms).toBe(1000)
    pending[0]?.fn()
    await vi.waitFor(() => expect(pending).toHaveLength(2))
    expect(reconciled).toEqual([]) // nothing due before 5 minutes

    setNow(300_000)
    pending[1]?.fn()
    await vi.waitFor(() => expect(pending).toHaveLength(3))
    expect(reconciled).toHaveLength(2)
    pending[2]?.fn()
    await vi.waitFor(() => expect(pending).toHaveLength(4))
    expect(reconciled).toHaveLength(3)

    await rec.stop()
    expect(pending[3]?.cleared).toBe(true)
  })

  it('a claimed order is not taken twice', async () => {
    const { store, checks } = await setup()
    await store.create({
      merOrderId: '1017A00001',
      kind: 'h5',
      channel: 'uac',
      instMid: 'H5DEFAULT',
      amount: 1,
      nextCheckAt: 10,
    })
    expect((await checks.claimNextOrder(20, 500))?.merOrderId).toBe('1017A00001')
    expect(await checks.claimNextOrder(20, 500)).toBeNull()
    expect((await checks.claimNextOrder(500, 900))?.merOrderId).toBe('1017A00001') // the lease ran out
  })
})
