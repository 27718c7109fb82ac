import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb } from '../test/db.ts'
import { IllegalTransitionError, RefundRefusedError } from './errors.ts'
import type { OrderStore } from './orders.ts'
import { openPayRecords, type PayRecords } from './records.ts'
import { nextCheckGap } from './schedule.ts'
import { canMove, ORDER_STATUSES } from './status.ts'

let db: Db
let store: OrderStore
let records: PayRecords
let now = 1_000_000
beforeEach(async () => {
  db = await openTestDb()
  records = openPayRecords(db, () => now)
  store = records.orders
})
afterEach(async () => db.destroy())

const create = (id = '1017000000000000000000000001', amount = 1000) =>
  store.create({ merOrderId: id, kind: 'h5', channel: 'uac', instMid: 'H5DEFAULT', amount, nextCheckAt: now + 300_000 })

describe('order transitions', () => {
  it('records every move with its source, in order', async () => {
    await create()
    now += 1
    expect((await store.transition('1017000000000000000000000001', 'WAIT_BUYER_PAY', 'query')).changed).toBe(true)
    expect((await store.transition('1017000000000000000000000001', 'WAIT_BUYER_PAY', 'query')).changed).toBe(false)
    await store.transition('1017000000000000000000000001', 'TRADE_SUCCESS', 'notify', undefined, {
      targetSys: 'UnionPay',
      payTime: '2026-01-01 10:00:00',
    })
    const o = await store.get('1017000000000000000000000001')
    expect(o).toMatchObject({ status: 'TRADE_SUCCESS', targetSys: 'UnionPay', nextCheckAt: null })
    expect(
      (await store.events('1017000000000000000000000001')).map((e) => [e.fromStatus, e.toStatus, e.source]),
    ).toEqual([
      [null, 'NEW_ORDER', 'create'],
      ['NEW_ORDER', 'WAIT_BUYER_PAY', 'query'],
      ['WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'notify'],
    ])
  })

  it('refuses illegal moves and leaves the order untouched', async () => {
    await create()
    await store.transition('1017000000000000000000000001', 'TRADE_SUCCESS', 'notify')
    for (const to of ['NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN'] as const) {
      await expect(store.transition('1017000000000000000000000001', to, 'query')).rejects.toThrow(
        IllegalTransitionError,
      )
    }
    await store.transition('1017000000000000000000000001', 'TRADE_CLOSED', 'close')
    for (const to of ORDER_STATUSES.filter((s) => s !== 'TRADE_CLOSED')) {
      expect(canMove('TRADE_CLOSED', to)).toBe(false)
      await expect(store.transition('1017000000000000000000000001', to, 'x')).rejects.toThrow(IllegalTransitionError)
    }
    expect(await store.events('1017000000000000000000000001')).toHaveLength(3)
  })

  it('rejects amounts outside 1..100000000 at the database level too', async () => {
    await expect(create('1017000000000000000000000002', 0)).rejects.toThrow()
    await expect(create('1017000000000000000000000003', 100_000_001)).rejects.toThrow()
    expect(await store.get('1017000000000000000000000002')).toBeNull()
  })

  it('applies a notifyId once; a stale notify is recorded but does not move the order', async () => {
    await create()
    expect(await records.notifies.apply('n1', '1017000000000000000000000001', 'TRADE_SUCCESS', {})).toBe('applied')
    expect(await records.notifies.apply('n1', '1017000000000000000000000001', 'TRADE_SUCCESS', {})).toBe('duplicate')
    expect(await records.notifies.apply('n2', '1017000000000000000000000001', 'WAIT_BUYER_PAY', {})).toBe('stale')
    expect((await store.get('1017000000000000000000000001'))?.status).toBe('TRADE_SUCCESS')
    expect(await records.notifies.apply('n3', 'nope000000', 'TRADE_SUCCESS', {})).toBe('no_order')
  })
})

describe('refund sums', () => {
  it('pending and successful refunds count; failed ones release the amount; full refund closes', async () => {
    await create()
    await store.transition('1017000000000000000000000001', 'TRADE_SUCCESS', 'notify')
    await records.refunds.reserve('1017000000000000000000000001', 'R1000001', 400)
    await records.refunds.reserve('1017000000000000000000000001', 'R1000002', 600)
    await expect(records.refunds.reserve('1017000000000000000000000001', 'R1000003', 1)).rejects.toThrow(
      RefundRefusedError,
    )
    await records.refunds.settle('R1000002', 'FAILED', 'refund', 'TARGET_FAIL')
    await records.refunds.reserve('1017000000000000000000000001', 'R1000003', 600)
    await records.refunds.settle('R1000001', 'SUCCESS', 'refund')
    await records.refunds.settle('R1000001', 'SUCCESS', 'notify') // settled once
    expect(await store.get('1017000000000000000000000001')).toMatchObject({
      status: 'TRADE_REFUND',
      refundedAmount: 400,
    })
    await records.refunds.settle('R1000003', 'SUCCESS', 'refund')
    expect(await store.get('1017000000000000000000000001')).toMatchObject({
      status: 'TRADE_CLOSED',
      refundedAmount: 1000,
    })
    expect((await records.refunds.ofOrder('1017000000000000000000000001')).map((r) => r.status)).toEqual([
      'SUCCESS',
      'FAILED',
      'SUCCESS',
    ])
  })

  it('a refund of an unpaid order is refused', async () => {
    await create()
    await expect(records.refunds.reserve('1017000000000000000000000001', 'R1000001', 1)).rejects.toThrow(/不能退款/)
  })
})

describe('query schedule', () => {
  it('waits 5 minutes, then grows, capped, then stops', async () => {
    const gaps = Array.from({ length: 13 }, (_, i) => nextCheckGap(i))
    expect(gaps.slice(0, 5)).toEqual([300_000, 300_000, 600_000, 1_200_000, 2_400_000])
    expect(Math.max(...gaps.filter((g): g is number => g !== null))).toBe(6 * 3600_000)
    expect(gaps[12]).toBeNull()
  })
})
