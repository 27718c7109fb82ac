import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE } from '../session/plugin.ts'
import { startOpenApiFixture, USER1, type OpenApiFixture } from '../unionpay/open-api.fixture.ts'
import { MarketingRepo } from '../marketing/repo.ts'
import { MarketingService } from '../marketing/service.ts'
import { startTestServer } from '../test/harness.ts'

let f: OpenApiFixture
let cookie: string
beforeAll(async () => {
  f = await startOpenApiFixture()
  cookie = `${SESSION_COOKIE}=${(await f.server.ctx.sessions.create({ openId: USER1.openId, scope: 'upapi_base' })).id}`
})
afterAll(() => f.server.close())

const call = (
  method: 'GET' | 'POST',
  url: string,
  payload?: Record<string, unknown>,
  headers: Record<string, string> = { cookie },
) => f.server.app.inject({ method, url, headers, ...(payload ? { payload } : {}) })

describe('消息推送 route', () => {
  it('pushes to the session user with the default url on this site', async () => {
    const res = await call('POST', '/api/marketing/push', { content: '您有一个红包待领取' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(f.sandbox.pushes.at(-1)).toMatchObject({
      openId: USER1.openId,
      content: '您有一个红包待领取',
      url: `${f.server.baseUrl}/marketing`,
    })
  })

  it('names the problem: too long, outside the 安全域名, not logged in', async () => {
    const long = await call('POST', '/api/marketing/push', { content: '长'.repeat(71) })
    expect(long.statusCode).toBe(400)
    expect(long.json().error.message).toContain('70 个汉字')
    expect(
      (await call('POST', '/api/marketing/push', { content: 'x', url: 'https://evil.example/' })).json().error.message,
    ).toContain('安全域名')
    expect((await call('POST', '/api/marketing/push', { content: 'x' }, {})).statusCode).toBe(401)
  })
})

describe('红包 routes', () => {
  it('gives 1.00 元 and reads the lower balance, confirmed', async () => {
    const before = (await call('GET', '/api/marketing/red-packet/balance')).json<{ balance: number }>().balance
    const res = await call('POST', '/api/marketing/red-packet', { amount: 100 })
    expect(res.json()).toMatchObject({
      amount: 100,
      balanceBefore: before,
      balanceAfter: before - 100,
      confirmed: true,
    })
    const op = await f.server.ctx.db
      .selectFrom('marketing_ops')
      .select(['kind', 'status', 'amount'])
      .where('kind', '=', 'give')
      .orderBy('rowid', 'desc')
      .limit(1)
      .executeTakeFirst()
    expect(op).toEqual({ kind: 'give', status: 'done', amount: 100 })
  })

  it('refuses locally when the balance is too low (the platform would answer success and give nothing)', async () => {
    await call(
      'POST',
      '/sandbox/unionpay/__control/open/account',
      { insAcctId: f.server.config.unionpay.insAcctId, balance: 50 },
      {},
    )
    const calls = f.calls('red.packet.give').length
    const res = await call('POST', '/api/marketing/red-packet', { amount: 100 })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ error: { code: 'BALANCE_TOO_LOW' } })
    expect(f.calls('red.packet.give').length).toBe(calls)
    await call(
      'POST',
      '/sandbox/unionpay/__control/open/account',
      { insAcctId: f.server.config.unionpay.insAcctId, balance: 100_000 },
      {},
    )
  })

  it('refuses amounts that are not whole fen', async () => {
    expect((await call('POST', '/api/marketing/red-packet', { amount: 1.5 })).statusCode).toBe(400)
    expect((await call('POST', '/api/marketing/red-packet', { amount: 0 })).statusCode).toBe(400)
  })
})

describe('抽奖 routes', () => {
  it('grants a chance, the user draws it, then has none', async () => {
    await call(
      'POST',
      '/sandbox/unionpay/__control/open/activity',
      { activityNumber: f.server.config.unionpay.activityNumber, budget: 5000, prizes: [520] },
      {},
    )
    expect((await call('GET', '/api/marketing/chances')).json()).toEqual({ chances: [] })
    const granted = (await call('POST', '/api/marketing/chances', { count: 1 })).json<{
      chances: Array<{ count: number }>
    }>()
    expect(granted.chances).toHaveLength(1)
    expect(granted.chances[0]?.count).toBe(1)
    const drawn = await call('POST', '/api/marketing/draws')
    expect(drawn.json()).toMatchObject({ award: { kind: 'redPacket', amount: 520 } })
    expect((await call('GET', '/api/marketing/chances')).json()).toEqual({ chances: [] })
    const none = await call('POST', '/api/marketing/draws')
    expect(none.statusCode).toBe(502)
    expect(none.json()).toMatchObject({ error: { code: 'UNIONPAY_QL0005' } })
  })

  it('AM03051 reaches the page as BALANCE_TOO_LOW', async () => {
    await call(
      'POST',
      '/sandbox/unionpay/__control/open/activity',
      { activityNumber: f.server.config.unionpay.activityNumber, budget: 10, prizes: [520] },
      {},
    )
    await call('POST', '/api/marketing/chances', { count: 1 })
    const res = await call('POST', '/api/marketing/draws')
    expect(res.statusCode).toBe(409)
    expect(res.json().error.message).toContain('AM03051')
  })
})

describe('outside the sandbox', () => {
  it('merchant actions need the admin token', async () => {
    const s = await startTestServer({ ADMIN_TOKEN: 'a-very-long-admin-token-123' })
    try {
      const c = `${SESSION_COOKIE}=${(await s.ctx.sessions.create({ openId: USER1.openId, scope: 'upapi_base' })).id}`
      const noToken = await s.app.inject({
        method: 'POST',
        url: '/api/marketing/push',
        headers: { cookie: c },
        payload: { content: 'x' },
      })
      expect(noToken.statusCode).toBe(403)
      const ok = await s.app.inject({
        method: 'GET',
        url: '/api/marketing/admin',
        headers: { cookie: c, 'x-admin-token': 'a-very-long-admin-token-123' },
      })
      expect(ok.json()).toEqual({ allowed: true, tokenRequired: true })
    } finally {
      await s.close()
    }
  })

  it('a missing 附录十 setting answers 503 naming the variable', async () => {
    const service = new MarketingService({
      repo: new MarketingRepo(f.server.ctx.db),
      api: f.deps,
      insAcctId: undefined,
      qualNum: undefined,
      activityNumber: undefined,
    })
    await expect(service.balance()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('UNIONPAY_INS_ACCT_ID'),
    })
    await expect(service.draw(USER1.openId)).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('UNIONPAY_ACTIVITY_NUMBER'),
    })
  })
})
