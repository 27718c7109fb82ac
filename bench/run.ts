import { mkdirSync, writeFileSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { signNotification, verifyNotification } from '../server/crypto/rsa.ts'
import { unionpaySignature } from '../server/crypto/signing.ts'
import { tdesDecrypt, tdesEncrypt } from '../server/crypto/tdes.ts'
import { SessionStore } from '../server/session/store.ts'
import { openDatabase } from '../server/store/db.ts'
import { startTestServer } from '../server/test/harness.ts'
import { benchAcp } from './acp.ts'
import { benchBudget } from './budget.ts'
import { benchBundle } from './bundle.ts'
import { benchKitSizes } from '../kit/bench/sizes.ts'
import { benchPayments } from './payments.ts'
import { benchSigning } from './signing.ts'

interface Result {
  name: string
  ops: number
  seconds: number
  opsPerSec: number
  p50Ms?: number
  p99Ms?: number
  note?: string
}

const results: Result[] = []

/** Runs `fn` repeatedly for about `ms` milliseconds after a short warm-up. */
async function measure(name: string, fn: () => unknown | Promise<unknown>, ms = 1000, note?: string): Promise<void> {
  for (let i = 0; i < 50; i++) await fn()
  const lat: number[] = []
  const start = performance.now()
  let ops = 0
  while (performance.now() - start < ms) {
    const t = performance.now()
    await fn()
    lat.push(performance.now() - t)
    ops++
  }
  const seconds = (performance.now() - start) / 1000
  lat.sort((a, b) => a - b)
  results.push({
    name,
    ops,
    seconds: +seconds.toFixed(3),
    opsPerSec: Math.round(ops / seconds),
    p50Ms: +(lat[Math.floor(lat.length * 0.5)] ?? 0).toFixed(4),
    p99Ms: +(lat[Math.floor(lat.length * 0.99)] ?? 0).toFixed(4),
    ...(note ? { note } : {}),
  })
}

const params = {
  appId: 'a5949221470c4059b9b0b45a90c81527',
  frontToken: 'U72eJp21SkuzKRdUK+jyFw==',
  nonceStr: 'Wm3WZYTPz0wzccnW',
  timestamp: '1414587457',
  url: 'https://mobile.example.com/pay?order=1',
}
await measure('sha256 signature (2.4.1)', () => unionpaySignature(params))

const key = '0123456789abcdeffedcba9876543210a1b2c3d4e5f60718'
const cipher = tdesEncrypt('13812345678', key)
await measure('3DES decrypt (user.mobile field)', () => tdesDecrypt(cipher, key))

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const notif = { appId: 'a', contractId: '1234567890', openId: 'o+/=', planId: 'PLAN0001' }
const signed = { ...notif, signature: signNotification(notif, privateKey) }
await measure('RSA-2048 notification verify (appendix 5)', () => verifyNotification(signed, publicKey))

const db = openDatabase('sqlite::memory:')
const sessions = new SessionStore(db)
const ids = Array.from({ length: 1000 }, (_, i) => sessions.create({ openId: `user-${i}`, scope: 'upapi_base' }).id)
let i = 0
await measure('SQLite session lookup', () => sessions.get(ids[i++ % ids.length] ?? ''))
await measure('SQLite session create', () => sessions.create({ openId: 'bench', scope: 'upapi_base' }))

await benchPayments(measure)
await benchAcp(measure)

const server = await startTestServer({}, { rateLimitPerMinute: 1_000_000 })
try {
  const payload = JSON.stringify({ url: `${server.baseUrl}/pay?x=1#frag` })
  await measure(
    'POST /api/upsdk/config (in-process inject, token cached)',
    () =>
      server.app.inject({
        method: 'POST',
        url: '/api/upsdk/config',
        payload,
        headers: { 'content-type': 'application/json' },
      }),
    1500,
  )

  await server.ctx.tokens.invalidate('front', await server.ctx.tokens.get('front'))
  const before = server.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: 500 }, () =>
      fetch(`${server.baseUrl}/api/upsdk/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
      }),
    ),
  )
  const took = (performance.now() - t0) / 1000
  const after = server.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0
  results.push({
    name: '500 concurrent cold config requests over HTTP',
    ops: 500,
    seconds: +took.toFixed(3),
    opsPerSec: Math.round(500 / took),
    note: `frontToken fetched ${after - before}× upstream`,
  })
} finally {
  await server.close()
}

await benchBudget((row) => results.push(row))

// Figures on a shared machine move with the neighbours: each comparison runs its sides
// interleaved, ROUNDS times, and keeps the median; compare ratios within one run.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))

for (const row of await benchSigning(ROUNDS)) results.push(row)

for (const row of [...benchBundle(), ...benchKitSizes()]) {
  results.push({
    name: row.name,
    ops: row.bytes,
    seconds: 0,
    opsPerSec: 0,
    note: `${(row.bytes / 1024).toFixed(1)} KB${row.budget ? ` = ${(row.bytes / row.budget).toFixed(2)}× the ${Math.round(row.budget / 1024)} KB budget` : ''}${row.note ? `; ${row.note}` : ''}`,
  })
}

/** Display width: CJK characters take two columns in a terminal. */
const width = (s: string) =>
  [...s].reduce(
    (w, c) =>
      w +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1),
    0,
  )
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)))
console.log(`\n${pad('benchmark', 58)} ${pad('ops/s', 10)} ${pad('p50 ms', 9)} ${pad('p99 ms', 9)} note`)
console.log('-'.repeat(110))
for (const r of results) {
  console.log(
    `${pad(r.name, 58)} ${pad(r.opsPerSec ? String(r.opsPerSec) : '', 10)} ${pad(r.p50Ms === undefined ? '' : String(r.p50Ms), 9)} ${pad(r.p99Ms === undefined ? '' : String(r.p99Ms), 9)} ${r.note ?? ''}`,
  )
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const file = new URL(`./results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url)
writeFileSync(file, JSON.stringify({ node: process.version, at: new Date().toISOString(), results }, null, 2))
console.log(`\nwritten ${file.pathname}`)
