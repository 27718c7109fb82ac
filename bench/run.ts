import { mkdirSync, writeFileSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { signNotification, verifyNotification } from '../server/crypto/rsa.ts'
import { unionpaySignature } from '../server/crypto/signing.ts'
import { tdesDecrypt, tdesEncrypt } from '../server/crypto/tdes.ts'
import { SessionStore } from '../server/session/store.ts'
import { openDatabase } from '../server/store/kysely-db.ts'
import { startTestServer } from '../server/test/harness.ts'
import { benchInstances } from './instances.ts'
import { benchAcp } from './acp.ts'
import { benchBudget } from './budget.ts'
import { benchBundle } from './bundle.ts'
import { benchKitSizes } from '../kit/bench/sizes.ts'
import { benchPayments } from './payments.ts'
import { benchReady } from './ready.ts'
import { benchSigning } from './signing.ts'
import { compare, comparisonTable, pad, type Comparison } from './summary.ts'

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

/** `BENCH_ONLY=signing` (comma-separated) runs only those parts; all of them by default. */
const PARTS = ['micro', 'instances', 'budget', 'signing', 'ready', 'bundle'] as const
const ONLY = process.env.BENCH_ONLY
  ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim()))
  : new Set<string>(PARTS)
for (const part of ONLY)
  if (!(PARTS as readonly string[]).includes(part))
    throw new Error(`BENCH_ONLY: unknown part ${part} (${PARTS.join(', ')})`)
const only = (part: (typeof PARTS)[number]) => ONLY.has(part)

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

if (only('micro')) {
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

  const db = await openDatabase('sqlite::memory:')
  const sessions = new SessionStore(db)
  const ids: string[] = []
  for (let n = 0; n < 1000; n++) ids.push((await sessions.create({ openId: `user-${n}`, scope: 'upapi_base' })).id)
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
    const COLD = 1000
    const t0 = performance.now()
    const statuses = await Promise.all(
      Array.from({ length: COLD }, () =>
        fetch(`${server.baseUrl}/api/upsdk/config`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
        }).then(async (r) => {
          await r.arrayBuffer()
          return r.status
        }),
      ),
    )
    const took = (performance.now() - t0) / 1000
    const after = server.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0
    const failed = statuses.filter((s) => s !== 200).length
    results.push({
      name: `${COLD} concurrent cold config requests over HTTP`,
      ops: COLD,
      seconds: +took.toFixed(3),
      opsPerSec: Math.round(COLD / took),
      note: `frontToken fetched ${after - before}× upstream; ${failed ? `${failed} answered other than 200` : 'all answered 200'}`,
    })
  } finally {
    await server.close()
  }
}

if (only('instances')) results.push(...(await benchInstances()))
if (only('budget')) await benchBudget((row) => results.push(row))

// Figures on a shared machine move with the neighbours: each comparison runs its sides
// interleaved, ROUNDS times, and keeps the median; compare ratios within one run.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))

const comparisons: Comparison[] = []

if (only('signing')) {
  const signing = await benchSigning(ROUNDS)
  results.push(...signing.rows)
  {
    const { bare, fastify, upkit } = signing.medians
    const express = signing.medians['express-wechat']
    comparisons.push(
      compare('signing route rps @50 conns', upkit.rps, 'rps', 'bare node:http (ceiling)', bare.rps, {
        op: '≥',
        ratio: 0.8,
      }),
      compare('signing route p99 @50 conns', upkit.p99Ms, 'ms', 'bare node:http', bare.p99Ms, { op: '≤', ratio: 1.5 }),
      compare('signing route rps', upkit.rps, 'rps', 'minimal fastify, same signing', fastify.rps),
      compare('signing route rps', upkit.rps, 'rps', 'express + wechat-jssdk', express.rps),
      compare('signing route server CPU per request', upkit.cpu, 'µs', 'bare node:http', bare.cpu),
      compare('signing route server CPU per request', upkit.cpu, 'µs', 'minimal fastify', fastify.cpu),
    )
    const before = signing.medians['upkit-before']
    if (before)
      comparisons.push(
        compare('signing route rps', upkit.rps, 'rps', 'upkit before (BENCH_BEFORE_TREE)', before.rps),
        compare('signing route p99', upkit.p99Ms, 'ms', 'upkit before', before.p99Ms),
        compare('signing route server CPU per request', upkit.cpu, 'µs', 'upkit before', before.cpu),
      )
  }
}

if (only('ready')) {
  const ready = await benchReady(ROUNDS + 2)
  results.push(
    ...ready.rows.map((r) => ({
      name: r.name,
      ops: 0,
      seconds: +(r.ms / 1000).toFixed(3),
      opsPerSec: 0,
      note: r.note,
    })),
  )
  comparisons.push(
    compare(
      'time to upsdk ready, 4G (Chromium)',
      ready.medians.upkit,
      'ms',
      'critical-path bound',
      ready.medians.bound,
      {
        op: '≤',
        ratio: 1.1,
      },
    ),
    compare(
      'time to upsdk ready, 4G (Chromium)',
      ready.medians.upkit,
      'ms',
      'naive page (tags, fetch, config)',
      ready.medians.naive,
      {
        op: '≤',
        ratio: 0.6,
      },
    ),
    compare(
      'floor (signature in the HTML), 4G',
      ready.medians.floor,
      'ms',
      'naive page (tags, fetch, config)',
      ready.medians.naive,
    ),
    compare('time to upsdk ready, 4G (Chromium)', ready.medians.upkit, 'ms', 'floor', ready.medians.floor),
    compare('home page shows 已就绪, 4G', ready.medians.shown, 'ms', 'naive page upsdk ready', ready.medians.naive),
  )
}

if (only('bundle')) {
  const bundle = [...benchBundle(), ...benchKitSizes()]
  for (const row of bundle) {
    if (row.budget)
      comparisons.push(
        compare(row.name.trim(), row.bytes / 1024, 'KB', 'budget', row.budget / 1024, { op: '≤', ratio: 1 }),
      )
    results.push({
      name: row.name,
      ops: row.bytes,
      seconds: 0,
      opsPerSec: 0,
      note: `${(row.bytes / 1024).toFixed(1)} KB${row.budget ? ` = ${(row.bytes / row.budget).toFixed(2)}× the ${Math.round(row.budget / 1024)} KB budget` : ''}${row.note ? `; ${row.note}` : ''}`,
    })
  }
}

// the call budget and the notify paths, beside their budget / as figures to keep
for (const r of results) {
  const busiest = /busiest platform minute (\d+)\/(\d+)/.exec(r.note ?? '')
  if (busiest && !r.name.includes('old admission'))
    comparisons.push(
      compare(
        `busiest platform minute, ${r.name.replace(/^budget \d+\/min ×10 load, /, '')}, ×10 load`,
        Number(busiest[1]),
        'calls',
        'the call budget',
        Number(busiest[2]),
        {
          op: '≤',
          ratio: 1,
        },
      ),
    )
}

console.log(`\n${pad('benchmark', 58)} ${pad('ops/s', 10)} ${pad('p50 ms', 9)} ${pad('p99 ms', 9)} note`)
console.log('-'.repeat(110))
for (const r of results) {
  console.log(
    `${pad(r.name, 58)} ${pad(r.opsPerSec ? String(r.opsPerSec) : '', 10)} ${pad(r.p50Ms === undefined ? '' : String(r.p50Ms), 9)} ${pad(r.p99Ms === undefined ? '' : String(r.p99Ms), 9)} ${r.note ?? ''}`,
  )
}
console.log(
  `\nBeside the baselines, measured in this run (2 shared cores: absolute figures move with the neighbours;` +
    ` each comparison ran its sides interleaved ${ROUNDS}+ times and shows medians — compare the ratios):\n`,
)
console.log(comparisonTable(comparisons))
const notify = results.filter((r) => /notif/i.test(r.name) && r.opsPerSec)
console.log(`\nnotify throughput: ${notify.map((r) => `${r.name} ${r.opsPerSec}/s`).join('; ')}`)
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
const file = new URL(`./results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url)
writeFileSync(
  file,
  JSON.stringify(
    { node: process.version, at: new Date().toISOString(), rounds: ROUNDS, parts: [...ONLY], comparisons, results },
    null,
    2,
  ),
)
console.log(`\nwritten ${file.pathname}`)
