import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FastifyBaseLogger } from 'fastify'
import type { ChinaumsClient } from '../chinaums/client.ts'
import { ChinaumsError } from '../chinaums/errors.ts'
import { loadConfig } from '../config.ts'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb } from '../test/db.ts'
import { createPay } from './index.ts'
import { openPayRecords } from './records.ts'
import type { TnProvider } from './tn.ts'

let db: Db | undefined
afterEach(async () => db?.destroy())

async function setup(reply: Record<string, unknown>, tn: TnProvider | null = null) {
  const now = Date.UTC(2026, 0, 15, 2, 0, 0)
  db = await openTestDb()
  const records = openPayRecords(db, () => now)
  const store = records.orders
  const client = { query: vi.fn(async () => ({ errCode: 'SUCCESS', ...reply })) } as unknown as ChinaumsClient
  const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() } as unknown as FastifyBaseLogger
  const config = loadConfig({ SANDBOX: '1', PORT: '18999', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })
  const pay = createPay({ config, records, client, clock: () => now, log }, tn)
  const order = await store.create({
    merOrderId: '1017000000000000000000000009',
    kind: 'h5',
    channel: 'uac',
    instMid: 'H5DEFAULT',
    amount: 500,
    nextCheckAt: now,
  })
  return { pay, store, order, log }
}

describe('OrderChecker.reconcile', () => {
  it('settles from a query answer about this order', async () => {
    const { pay, order } = await setup({
      merOrderId: '1017000000000000000000000009',
      totalAmount: 500,
      status: 'TRADE_SUCCESS',
    })
    expect((await pay.checker.reconcile(order)).status).toBe('TRADE_SUCCESS')
  })

  it.each([
    ['another amount', { merOrderId: '1017000000000000000000000009', totalAmount: 1, status: 'TRADE_SUCCESS' }],
    ['another order', { merOrderId: '1017000000000000000000000001', totalAmount: 500, status: 'TRADE_SUCCESS' }],
  ])('never settles from an answer with %s; keeps asking later', async (_, reply) => {
    const { pay, order, log } = await setup(reply)
    const after = await pay.checker.reconcile(order)
    expect(after.status).toBe('NEW_ORDER')
    expect(after.nextCheckAt).not.toBeNull()
    expect(log.error).toHaveBeenCalled()
  })
})

describe('Checkout.createTnOrder', () => {
  async function withProvider(fail: ChinaumsError) {
    const tn: TnProvider = { name: 'test', instMid: 'APPDEFAULT', issue: vi.fn(async () => Promise.reject(fail)) }
    return setup({}, tn)
  }

  it('an unknown outcome (TIMEOUT) leaves the order pending for reconciliation', async () => {
    const { pay, store } = await withProvider(new ChinaumsError('uac/app-order', 'TIMEOUT', ''))
    await expect(pay.checkout.createTnOrder(100)).rejects.toBeInstanceOf(ChinaumsError)
    const o = (await store.list(10)).find((x) => x.kind === 'tn')
    expect(o).toMatchObject({ status: 'NEW_ORDER' })
    expect(o?.nextCheckAt).not.toBeNull()
  })

  it('a definite refusal closes the order', async () => {
    const { pay, store } = await withProvider(new ChinaumsError('uac/app-order', 'BAD_SIGN', ''))
    await expect(pay.checkout.createTnOrder(100)).rejects.toBeInstanceOf(ChinaumsError)
    expect((await store.list(10)).find((x) => x.kind === 'tn')).toMatchObject({ status: 'TRADE_CLOSED' })
  })
})
