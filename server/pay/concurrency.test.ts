import { describe, expect, it } from 'vitest'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb, testEngines } from '../test/db.ts'
import { RefundRefusedError } from './errors.ts'
import { openPayRecords, type PayRecords } from './records.ts'

/**
 * The payment records' exactly-once paths with many writers at once — on PostgreSQL through a
 * connection pool, i.e. what several instances do to one database.
 */
describe.each(testEngines)('payment records under concurrency on %s', (engine) => {
  const ID = '1017000000000000000000000777'
  const withRecords = async (fn: (r: PayRecords, db: Db) => Promise<void>) => {
    const db = await openTestDb(engine)
    try {
      const records = openPayRecords(db, () => 1_000_000)
      await records.orders.create({
        merOrderId: ID,
        kind: 'h5',
        channel: 'uac',
        instMid: 'H5DEFAULT',
        amount: 1000,
        nextCheckAt: 2_000_000,
      })
      await fn(records, db)
    } finally {
      await db.destroy()
    }
  }

  it('one notifyId delivered twenty times at once is applied once', () =>
    withRecords(async (records) => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          records.notifies.apply('n-same', ID, 'TRADE_SUCCESS', { targetOrderId: 'T1' }),
        ),
      )
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19)
      const events = await records.orders.events(ID)
      expect(events.filter((e) => e.source === 'notify')).toHaveLength(1)
      expect(await records.orders.get(ID)).toMatchObject({ status: 'TRADE_SUCCESS', targetOrderId: 'T1' })
    }))

  it('different notifies for one order racing: the order moves once, every notifyId is recorded once', () =>
    withRecords(async (records, db) => {
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) => records.notifies.apply(`n-${i}`, ID, 'TRADE_SUCCESS', {})),
      )
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'unchanged')).toHaveLength(11)
      expect((await records.orders.events(ID)).filter((e) => e.toStatus === 'TRADE_SUCCESS')).toHaveLength(1)
      expect(await db.selectFrom('pay_notifies').select('notify_id').execute()).toHaveLength(12)
    }))

  it('concurrent status moves: exactly one TRADE_SUCCESS → TRADE_CLOSED, the others find nothing to do', () =>
    withRecords(async (records) => {
      await records.orders.transition(ID, 'TRADE_SUCCESS', 'notify')
      const moves = await Promise.all(
        Array.from({ length: 10 }, () => records.orders.transition(ID, 'TRADE_CLOSED', 'close')),
      )
      expect(moves.filter((m) => m.changed)).toHaveLength(1)
      expect((await records.orders.events(ID)).filter((e) => e.toStatus === 'TRADE_CLOSED')).toHaveLength(1)
    }))

  it('refund reservations racing on one order never exceed its amount', () =>
    withRecords(async (records) => {
      await records.orders.transition(ID, 'TRADE_SUCCESS', 'notify')
      // 15 × 100 asked for a 1000 order: exactly 10 fit
      const results = await Promise.allSettled(
        Array.from({ length: 15 }, (_, i) => records.refunds.reserve(ID, `1017R${String(i).padStart(10, '0')}`, 100)),
      )
      const ok = results.filter((r) => r.status === 'fulfilled')
      const refused = results.filter((r) => r.status === 'rejected')
      expect(ok).toHaveLength(10)
      expect(refused.every((r) => r.reason instanceof RefundRefusedError && r.reason.code === 'EXCEEDS_AMOUNT')).toBe(
        true,
      )
      const live = (await records.refunds.ofOrder(ID)).filter((r) => r.status !== 'FAILED')
      expect(live.reduce((s, r) => s + r.amount, 0)).toBe(1000)
    }))

  it('the same refundOrderId reserved many times at once is one refund', () =>
    withRecords(async (records) => {
      await records.orders.transition(ID, 'TRADE_SUCCESS', 'notify')
      const results = await Promise.all(
        Array.from({ length: 8 }, () => records.refunds.reserve(ID, '1017RSAME000001', 300)),
      )
      expect(results.filter((r) => !r.existing)).toHaveLength(1)
      expect(await records.refunds.ofOrder(ID)).toHaveLength(1)
      // settling it from two paths at once (the refund answer and its notify) counts it once
      await Promise.all([
        records.refunds.settle('1017RSAME000001', 'SUCCESS', 'refund'),
        records.refunds.settle('1017RSAME000001', 'SUCCESS', 'notify'),
      ])
      expect(await records.orders.get(ID)).toMatchObject({ status: 'TRADE_REFUND', refundedAmount: 300 })
    }))

  it('due orders claimed by three reconcilers at once: each order is taken by one', () =>
    withRecords(async (records) => {
      for (let i = 0; i < 5; i++) {
        await records.orders.create({
          merOrderId: `1017000000000000000000000${800 + i}`,
          kind: 'h5',
          channel: 'uac',
          instMid: 'H5DEFAULT',
          amount: 10,
          nextCheckAt: 1_500_000,
        })
      }
      const due = await records.checks.dueOrders(1_600_000, 10)
      expect(due).toHaveLength(5)
      // three reconcilers, each claiming until nothing is due: every order taken once, none left
      const claimAll = async () => {
        const mine: string[] = []
        for (let o = await records.checks.claimNextOrder(1_600_000, 1_720_000); o;) {
          mine.push(o.merOrderId)
          o = await records.checks.claimNextOrder(1_600_000, 1_720_000)
        }
        return mine
      }
      const taken = (await Promise.all([claimAll(), claimAll(), claimAll()])).flat()
      expect(taken.sort()).toEqual(due.map((o) => o.merOrderId).sort())
      expect(await records.checks.dueOrders(1_600_000, 10)).toEqual([])
      // the lease ends: due again
      expect(await records.checks.dueOrders(1_720_000, 10)).toHaveLength(5)
    }))
})
