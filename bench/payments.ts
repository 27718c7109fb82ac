/**
 * Payments benchmarks: 银商 notify verification and processing throughput.
 *
 * `bench/run.ts` calls it with its `measure` helper: `await benchPayments(measure)`.
 */
import type { FastifyBaseLogger } from 'fastify'
import { buildApp } from '../server/app.ts'
import type { ChinaumsClient } from '../server/chinaums/client.ts'
import { notifySign, verifyNotifySign } from '../server/chinaums/sign.ts'
import { loadConfig } from '../server/config.ts'
import { NotifyHandler } from '../server/pay/notify.ts'
import { openPayRecords } from '../server/pay/records.ts'
import { SANDBOX_CHINAUMS } from '../server/sandbox/credentials.ts'
import { openDatabase } from '../server/store/kysely-db.ts'

/** Runs `fn` repeatedly for about `ms` milliseconds and records ops/s and latency (bench/run.ts `measure`). */
export type BenchRecord = (name: string, fn: () => unknown, ms?: number, note?: string) => Promise<void>

const KEY = SANDBOX_CHINAUMS.md5Key

/** A notify as 银商 sends it (seed 1.9.3), signed. */
function notifyFor(merOrderId: string, notifyId: string, signType: 'MD5' | 'SHA256' = 'MD5'): Record<string, string> {
  const p: Record<string, string> = {
    mid: SANDBOX_CHINAUMS.mid,
    tid: SANDBOX_CHINAUMS.tid,
    instMid: 'H5DEFAULT',
    merOrderId,
    totalAmount: '1234',
    status: 'TRADE_SUCCESS',
    payTime: '2026-01-15 10:01:00',
    settleDate: '2026-01-15',
    seqId: '00123456789N',
    targetSys: 'UnionPay',
    targetOrderId: '2026011510010012345678',
    buyerPayAmount: '1234',
    invoiceAmount: '1234',
    couponAmount: '0',
    billFunds: '余额:1234',
    billFundsDesc: '余额支付12.34元。',
    bankInfo: 'SANDBOX',
    attachedData: '',
    notifyId,
    r482913: 'a1b2c3d4e5f6',
    ...(signType === 'SHA256' ? { signType } : {}),
  }
  return { ...p, sign: notifySign(p, KEY, signType) }
}

const silent = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  fatal() {},
  child: () => silent,
} as unknown as FastifyBaseLogger

export async function benchPayments(record: BenchRecord): Promise<void> {
  const md5 = notifyFor('10172026011510000000001234567', 'n-md5')
  const sha = notifyFor('10172026011510000000001234567', 'n-sha', 'SHA256')
  await record('银商 notify sign verify, MD5 (seed 1.8.4)', () => verifyNotifySign(md5, KEY))
  await record('银商 notify sign verify, SHA256', () => verifyNotifySign(sha, KEY))

  // Service level: verify + apply once in a SQLite transaction (in memory), no HTTP.
  const config = loadConfig({ SANDBOX: '1', PORT: '18787', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })
  const db = await openDatabase('sqlite::memory:')
  try {
    const records = openPayRecords(db, Date.now)
    const store = records.orders
    const notifies = new NotifyHandler({ config, records, client: {} as ChinaumsClient, clock: Date.now, log: silent })
    const N = 50_000
    const ids: string[] = []
    await store.atomic(async () => {
      for (let i = 0; i < N; i++) {
        const id = `1017${String(i).padStart(24, '0')}`
        await store.create({
          merOrderId: id,
          kind: 'h5',
          channel: 'uac',
          instMid: 'H5DEFAULT',
          amount: 1234,
          nextCheckAt: Date.now() + 300_000,
        })
        ids.push(id)
      }
    })
    const fresh = ids.map((id, i) => notifyFor(id, `fresh-${i}`))
    let i = 0
    await record(
      'notify processing: verify + apply (SQLite :memory:)',
      () => notifies.handle(fresh[i++ % N] as Record<string, string>),
      1000,
      `first ${N} ops move NEW_ORDER→TRADE_SUCCESS, later ones are duplicates`,
    )
    const dup = fresh[0] as Record<string, string>
    await record('notify processing: replayed notifyId', () => notifies.handle(dup))
  } finally {
    await db.destroy()
  }

  // HTTP level: POST /notify/chinaums through fastify (form parsing, routing), in-process inject.
  const { app } = await buildApp(config, { distDir: false, rateLimitPerMinute: 1_000_000 })
  try {
    const created = await app.inject({
      method: 'POST',
      url: '/api/pay/chinaums/orders',
      payload: { amount: 1234, channel: 'uac' },
    })
    const { merOrderId } = created.json() as { merOrderId: string }
    let n = 0
    await record(
      'POST /notify/chinaums (in-process inject)',
      () =>
        app.inject({
          method: 'POST',
          url: '/notify/chinaums',
          payload: new URLSearchParams(notifyFor(merOrderId, `http-${n++}`)).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      1500,
      'new notifyId each time (one is applied, the rest recorded as unchanged)',
    )
  } finally {
    await app.close()
  }
}
