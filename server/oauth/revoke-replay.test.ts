import { createPrivateKey } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signNotification } from '../crypto/rsa.ts'
import { createNonceStr } from '../crypto/signing.ts'
import { sandboxRsaKeyPair } from '../sandbox/credentials.ts'
import { DEFAULT_USERS } from '../sandbox/unionpay/state.ts'
import { MemoryKv } from '../store/memory-kv.ts'
import { startTestServer, type TestServer } from '../test/harness.ts'

const UA = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36 (com.unionpay.chsp)'
const USER = DEFAULT_USERS[0]!
let now = Date.now()
const clock = () => now

const start = (databaseUrl: string) =>
  startTestServer({ DATABASE_URL: databaseUrl }, { clock, kv: new MemoryKv(clock), rateLimitPerMinute: 10_000 })
const cookieOf = (h: string | string[] | undefined) =>
  [h ?? []]
    .flat()
    .map((c) => c.split(';')[0])
    .join('; ')
const path = (u: string) => {
  const x = new URL(u, 'http://x')
  return x.pathname + x.search
}

/** Logs USER in through the sandbox consent page; returns the session cookie. */
async function login(t: TestServer): Promise<string> {
  const a = await t.app.inject({
    method: 'GET',
    url: '/api/oauth/authorize?scope=upapi_base',
    headers: { 'user-agent': UA },
  })
  const bind = cookieOf(a.headers['set-cookie'])
  const page = await t.app.inject({
    method: 'GET',
    url: path(a.headers.location as string),
    headers: { cookie: bind, 'user-agent': UA },
  })
  const cb = await t.app.inject({
    method: 'GET',
    url: path(page.headers.location as string),
    headers: { cookie: bind, 'user-agent': UA },
  })
  expect(cb.statusCode).toBe(302)
  return cookieOf(cb.headers['set-cookie'])
}
const me = async (t: TestServer, cookie: string) =>
  (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode

function revoke(t: TestServer, over: Record<string, string> = {}, drop: string[] = []) {
  const p: Record<string, string> = {
    appId: t.ctx.config.unionpay.appId,
    timestamp: String(Math.floor(now / 1000)),
    nonceStr: createNonceStr(),
    openId: USER.openId,
    ...over,
  }
  for (const k of drop) delete p[k]
  return { ...p, signature: signNotification(p, createPrivateKey(sandboxRsaKeyPair().privateKeyPem)) }
}
const send = async (t: TestServer, n: Record<string, string>) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/notify/unionpay/auth-revoke',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(n),
    })
  ).json()

describe('用户授权解除通知: replays, restarts, freshness', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'upkit-revoke-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a restart does not let an old notification end a new session (the receipt is in the database)', async () => {
    const url = `sqlite:${join(dir, 'restart.db')}`
    const first = await start(url)
    const old = await login(first)
    const n = revoke(first)
    expect(await send(first, n)).toEqual({ resp: '00' })
    expect(await me(first, old)).toBe(401)
    await first.app.close()

    now += 60_000
    const second = await start(url) // a new process: empty KV, same database
    try {
      const fresh = await login(second)
      expect(await send(second, n)).toEqual({ resp: '00' })
      expect(await me(second, fresh)).toBe(200)
      expect(
        await second.ctx.db
          .selectFrom('notify_receipts')
          .select('replay_key')
          .where('channel', '=', 'auth-revoke')
          .execute(),
      ).toHaveLength(1)
    } finally {
      await second.app.close()
    }
  })

  it('the same signature re-encoded (URL-safe, no padding) is the same notification', async () => {
    const t = await start('sqlite::memory:')
    try {
      await login(t)
      const n = revoke(t)
      expect(await send(t, n)).toEqual({ resp: '00' })
      const again = await login(t)
      const reencoded = Buffer.from(n.signature, 'base64').toString('base64url')
      expect(reencoded).not.toBe(n.signature)
      expect(await send(t, { ...n, signature: reencoded })).toEqual({ resp: '00' })
      expect(await me(t, again)).toBe(200)
    } finally {
      await t.app.close()
    }
  })

  it('a notification ends only sessions begun before its timestamp; stale, future or incomplete ones are refused', async () => {
    const t = await start('sqlite::memory:')
    try {
      const s = await login(t)
      expect(await send(t, revoke(t, { timestamp: String(Math.floor(now / 1000) - 120) }))).toEqual({ resp: '00' })
      expect(await me(t, s)).toBe(200)
      expect(await send(t, revoke(t, { timestamp: String(Math.floor(now / 1000) - 25 * 3600) }))).toEqual({
        resp: '01',
      })
      expect(await send(t, revoke(t, { timestamp: String(Math.floor(now / 1000) + 600) }))).toEqual({ resp: '01' })
      expect(await send(t, revoke(t, {}, ['nonceStr']))).toEqual({ resp: '01' })
      expect(await me(t, s)).toBe(200)
      now += 2000
      expect(await send(t, revoke(t))).toEqual({ resp: '00' })
      expect(await me(t, s)).toBe(401)
    } finally {
      await t.app.close()
    }
  })
})
