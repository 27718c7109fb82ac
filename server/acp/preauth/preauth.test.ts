import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_CARDS } from '../../sandbox/acp/nojump/cards.ts'
import { startTestServer, type TestServer } from '../../test/harness.ts'
import type { Json } from '../../test/json-api.ts'
import { callAs, openedCard as openCard, userCookie } from './card.fixture.ts'
import { PreauthClient } from './client.ts'

// The whole server in sandbox mode: cards are opened through the real 无跳转 routes, holds and
// completions reach the sandbox gateway over HTTP, which applies its own pre-authorisation rules
// and posts notifications back to /notify/unionpay/acp/preauth.
let s: TestServer
let now = Date.now()
let users = 0

beforeAll(async () => {
  s = await startTestServer({ RATE_LIMIT_PER_MINUTE: '1000000' }, { clock: () => now })
}, 60_000)
afterAll(async () => s.close())

const user = (openId = `preauth-user-${++users}`) => userCookie(s, openId)
const call = (cookie: string, method: string, path: string, body?: unknown) => callAs(s, cookie, method, path, body)
const gatewayCalls = () => s.sandbox!.acp.log.length

const openedCard = (cookie: string, card = TEST_CARDS[0]!) => openCard(s, cookie, card)
const hold = async (cookie: string, bindingId: string, amount: number) =>
  call(cookie, 'POST', '/api/nojump/preauth', { bindingId, amount })
const get = async (cookie: string, id: string) => (await call(cookie, 'GET', `/api/nojump/preauth/${id}`)).json
/** Waits for the notification: the hold (or its completion) settled. */
async function until(cookie: string, id: string, ok: (h: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 300; i++) {
    const h = await get(cookie, id)
    if (ok(h)) return h
    await new Promise((r) => setTimeout(r, 10))
  }
  return get(cookie, id)
}
const held = (u: string, id: string) => until(u, id, (h) => h.status === 'SUCCESS')

describe('pre-authorisation on a token', () => {
  it('holds, completes within the hold, voids the completion (the hold stands again), completes again', async () => {
    const u = await user()
    const card = await openedCard(u)
    const h = await hold(u, card, 10_000)
    expect(h.status, JSON.stringify(h.json)).toBe(200)
    const id = h.json.orderId as string
    expect((await held(u, id)).status).toBe('SUCCESS')

    const c = await call(u, 'POST', `/api/nojump/preauth/${id}/complete`, { amount: 8_000 })
    expect(c.status, JSON.stringify(c.json)).toBe(200)
    let v = await until(u, id, (x) => x.completion?.status === 'SUCCESS')
    expect(v.completion).toMatchObject({ kind: 'completion', amount: 8_000, status: 'SUCCESS' })

    const cv = await call(u, 'POST', `/api/nojump/preauth/${id}/completion/void`)
    expect(cv.status, JSON.stringify(cv.json)).toBe(200)
    v = await until(
      u,
      id,
      (x) =>
        x.completion === null && x.followUps.some((f: Json) => f.kind === 'completion_void' && f.status === 'SUCCESS'),
    )
    expect(v.followUps.map((f: Json) => [f.kind, f.status])).toEqual([
      ['completion', 'VOIDED'],
      ['completion_void', 'SUCCESS'],
    ])
    expect(v.status).toBe('SUCCESS')

    expect((await call(u, 'POST', `/api/nojump/preauth/${id}/complete`, { amount: 10_000 })).status).toBe(200)
    v = await until(u, id, (x) => x.completion?.status === 'SUCCESS')
    expect(v.completion.amount).toBe(10_000)
    expect(v.events.map((e: Json) => e.toStatus)).toEqual(['PENDING', 'SUCCESS'])
  })

  it('refuses before any call: completion over the hold, void after a completion, acting on a hold not standing', async () => {
    const u = await user()
    const card = await openedCard(u)
    const id = (await hold(u, card, 5_000)).json.orderId as string
    await held(u, id)
    const calls = gatewayCalls()
    const over = await call(u, 'POST', `/api/nojump/preauth/${id}/complete`, { amount: 5_001 })
    expect([over.status, over.json.error.code]).toEqual([409, 'COMPLETION_EXCEEDS'])
    expect(over.json.error.message).toContain('50.00')
    const cv = await call(u, 'POST', `/api/nojump/preauth/${id}/completion/void`)
    expect([cv.status, cv.json.error.code]).toEqual([409, 'COMPLETION_NOT_SETTLED'])
    expect(gatewayCalls()).toBe(calls)

    await call(u, 'POST', `/api/nojump/preauth/${id}/complete`, { amount: 5_000 })
    await until(u, id, (x) => x.completion?.status === 'SUCCESS')
    const calls2 = gatewayCalls()
    const v = await call(u, 'POST', `/api/nojump/preauth/${id}/void`)
    expect([v.status, v.json.error.code]).toEqual([409, 'PREAUTH_COMPLETED'])
    const twice = await call(u, 'POST', `/api/nojump/preauth/${id}/complete`, { amount: 1 })
    expect(twice.json.error.code).toBe('PREAUTH_COMPLETED')
    expect(gatewayCalls()).toBe(calls2)

    // A hold voided in full: nothing can act on it any more.
    const id2 = (await hold(u, card, 3_000)).json.orderId as string
    await held(u, id2)
    expect((await call(u, 'POST', `/api/nojump/preauth/${id2}/void`)).status).toBe(200)
    const voided = await until(u, id2, (x) => x.status === 'VOIDED')
    expect(voided.followUps.map((f: Json) => [f.kind, f.amount, f.status])).toEqual([['hold_void', 3_000, 'SUCCESS']])
    const late = await call(u, 'POST', `/api/nojump/preauth/${id2}/complete`, { amount: 100 })
    expect([late.status, late.json.error.code]).toEqual([409, 'PREAUTH_NOT_HELD'])
  })

  it('keeps holds to their owner and validates input', async () => {
    const u = await user()
    const card = await openedCard(u)
    const id = (await hold(u, card, 1_000)).json.orderId as string
    const other = await user()
    expect((await call(other, 'POST', `/api/nojump/preauth/${id}/void`)).status).toBe(404)
    expect((await hold(other, card, 100)).json.error.code).toBe('NO_BINDING')
    expect((await hold(u, card, 0)).status).toBe(400)
    expect((await call(u, 'POST', '/api/nojump/preauth/nope/void')).status).toBe(400)
    expect((await call('', 'GET', '/api/nojump/preauth')).status).toBe(401)
  })

  it('the sandbox applies its own rules: over the balance 64, completion over 115 %, partial void 36', async () => {
    const u = await user()
    const poor = await openedCard(u, TEST_CARDS[2]!) // balance 1.00 元
    const r = await hold(u, poor, 101)
    expect([r.status, r.json.error.code]).toEqual([409, 'ACP_64'])
    expect(r.json.error.message).toContain('余额不足')

    const card = await openedCard(u)
    const id = (await hold(u, card, 1_000)).json.orderId as string
    const h = (await s.preauth!.repo.get((await held(u, id)).orderId))!
    // Straight to the gateway (our own rules would refuse these first).
    const client = new PreauthClient(s.acp!.client, s.config.acp!.trId!)
    const args = (amount: number) => ({
      orderId: `PX${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      txnTime: client.txnTime(),
      txnAmt: amount,
      origQryId: h.queryId!,
      backUrl: `${s.baseUrl}/notify/unionpay/acp/preauth`,
    })
    expect((await client.complete(args(1_151))).respCode).toBe('36')
    expect((await client.voidHold(args(999))).respCode).toBe('36')
    expect((await client.complete(args(1_150))).respCode).toBe('00') // 115 % is UnionPay's bound; ours is stricter
  })

  it('an unknown completion is settled by query after 5 minutes; an old hold has expired', async () => {
    const u = await user()
    const card = await openedCard(u)
    const id = (await hold(u, card, 2_000)).json.orderId as string
    await held(u, id)
    await fetch(`${s.baseUrl}/sandbox/acp/__control/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'unknown' }),
    })
    const c = await call(u, 'POST', `/api/nojump/preauth/${id}/complete`, { amount: 1_500 })
    expect(c.status).toBe(200)
    expect(c.json.followUps[0]).toMatchObject({ kind: 'completion', status: 'PENDING', respCode: '03' })
    expect(await s.preauth!.checkDue()).toBe(0)
    now += 5 * 60_000 + 1
    expect(await s.preauth!.checkDue()).toBeGreaterThanOrEqual(1)
    const v = await get(u, id)
    expect(v.completion).toMatchObject({ amount: 1_500, status: 'SUCCESS' })

    const id2 = (await hold(u, card, 700)).json.orderId as string
    await held(u, id2)
    now += 31 * 86_400_000
    const late = await call(await user(`preauth-user-${users}`), 'POST', `/api/nojump/preauth/${id2}/complete`, {
      amount: 700,
    })
    expect([late.status, late.json.error.code]).toEqual([409, 'PREAUTH_EXPIRED'])
  })
})
