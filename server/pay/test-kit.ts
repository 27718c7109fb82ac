import { vi } from 'vitest'
import type { FastifyBaseLogger } from 'fastify'
import type { ChinaumsClient } from '../chinaums/client.ts'
import { ChinaumsError } from '../chinaums/errors.ts'
import { loadConfig } from '../config.ts'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb } from '../test/db.ts'
import { createPay } from './index.ts'
import { openPayRecords } from './records.ts'

export type FakeAnswer = Record<string, unknown> | ChinaumsError

/**
 * The payment use cases over a real record store (SQLite in memory, or PostgreSQL under
 * UPKIT_TEST_DB=postgres) and a fake 银商 client whose answers the
 * test scripts per API (unit tests only; e2e and pay.test.ts use the sandbox over HTTP).
 */
export async function payKit(env: Record<string, string> = {}) {
  const clock = { now: Date.UTC(2026, 0, 15, 2, 0, 0) }
  const db: Db = await openTestDb()
  const records = openPayRecords(db, () => clock.now)
  const answers = new Map<string, (body: Record<string, unknown>) => FakeAnswer>()
  const calls: Array<{ api: string; body: Record<string, unknown> }> = []
  const call = async (api: string, body: Record<string, unknown>) => {
    calls.push({ api, body })
    const a = answers.get(api)?.(body) ?? new ChinaumsError(api, 'TIMEOUT', 'no scripted answer')
    if (a instanceof ChinaumsError) throw a
    return { errCode: 'SUCCESS', ...a }
  }
  const client = {
    query: (merOrderId: string) => call('query', { merOrderId }),
    refund: (req: Record<string, unknown>) => call('refund', req),
    refundQuery: (q: Record<string, unknown>) => call('refund-query', q),
    close: (merOrderId: string) => call('close', { merOrderId }),
    secureCancel: (merOrderId: string) => call('secure-cancel', { merOrderId }),
    secureComplete: (merOrderId: string, completedAmount: number) =>
      call('secure-complete', { merOrderId, completedAmount }),
  } as unknown as ChinaumsClient
  const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as FastifyBaseLogger
  const config = loadConfig({
    SANDBOX: '1',
    PORT: '18999',
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    ...env,
  })
  const pay = createPay({ config, records, client, clock: () => clock.now, log }, null)
  /** Scripts what `api` answers from now on. */
  const answer = (api: string, fn: (body: Record<string, unknown>) => FakeAnswer) => answers.set(api, fn)
  /** A paid order (through a notify-like move), secure or not. */
  const paidOrder = async (merOrderId: string, amount: number, secure = false) => {
    await records.orders.create({
      merOrderId,
      kind: 'h5',
      channel: 'uac',
      instMid: 'H5DEFAULT',
      amount,
      secure,
      nextCheckAt: clock.now + 300_000,
    })
    await records.orders.transition(merOrderId, 'TRADE_SUCCESS', 'notify')
    return records.orders.mustGet(merOrderId)
  }
  return { clock, records, pay, config, log, calls, answer, paidOrder, close: () => db.destroy() }
}

export const gwError = (api: string, code: string) => new ChinaumsError(api, code, '')
