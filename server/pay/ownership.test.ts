import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test/harness.ts'
import { platformNotify } from '../test/processes.ts'
import { MAX_UNPAID_ORDERS_PER_CLIENT } from './order-limits.ts'

const TOKEN = 'admin-token-0123456789'
let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer({ ADMIN_TOKEN: TOKEN }, { rateLimitPerMinute: 1000 })
})
afterAll(async () => srv?.close())

const inject = (o: {
  method: 'GET' | 'POST'
  url: string
  cookie?: string
  headers?: Record<string, string>
  payload?: object
  ip?: string
}) =>
  srv.app.inject({
    method: o.method,
    url: o.url,
    headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers },
    ...(o.payload ? { payload: o.payload } : {}),
    ...(o.ip ? { remoteAddress: o.ip } : {}),
  })
const cookieOf = (setCookie: string | string[] | undefined) =>
  (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ')
async function login(openId: string): Promise<string> {
  return `upkit_sid=${(await srv.ctx.sessions.create({ openId, scope: 'upapi_base' })).id}`
}

describe('orders belong to someone', () => {
  it('the browser that created an order sees it; another browser does not; the merchant does', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/pay/chinaums/orders',
      payload: { amount: 100, channel: 'uac' },
      ip: '10.0.0.1',
    })
    expect(created.statusCode, created.body).toBe(200)
    const mine = cookieOf(created.headers['set-cookie'])
    expect(mine).toMatch(/^upkit_pay=/)
    const { merOrderId } = created.json() as { merOrderId: string }
    expect((await inject({ method: 'GET', url: `/api/pay/orders/${merOrderId}`, cookie: mine })).json().status).toBe(
      'NEW_ORDER',
    )
    const stranger = await inject({
      method: 'GET',
      url: `/api/pay/orders/${merOrderId}`,
      cookie: 'upkit_pay=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    })
    expect(stranger.statusCode).toBe(404)
    expect(stranger.json().error.code).toBe('NO_ORDER')
    expect((await inject({ method: 'GET', url: `/api/pay/orders/${merOrderId}` })).statusCode).toBe(404)
    expect(
      (await inject({ method: 'GET', url: `/api/pay/orders/${merOrderId}`, headers: { 'x-admin-token': TOKEN } }))
        .statusCode,
    ).toBe(200)
    expect(await srv.app.pay.records.orders.get(merOrderId)).toMatchObject({
      ownerOpenId: null,
      clientKey: 'ip:10.0.0.1',
    })
  })

  it('a logged-in user sees their orders from any browser, and lists only their own', async () => {
    const alice = await login('alice+/=openid')
    const bob = await login('bob-openid')
    const a = (
      await inject({
        method: 'POST',
        url: '/api/pay/chinaums/orders',
        cookie: alice,
        payload: { amount: 200, channel: 'alipay' },
      })
    ).json() as { merOrderId: string }
    const b = (
      await inject({
        method: 'POST',
        url: '/api/pay/chinaums/orders',
        cookie: bob,
        payload: { amount: 300, channel: 'alipay' },
      })
    ).json() as { merOrderId: string }
    expect(await srv.app.pay.records.orders.get(a.merOrderId)).toMatchObject({
      ownerOpenId: 'alice+/=openid',
      clientKey: 'user:alice+/=openid',
    })
    expect((await inject({ method: 'GET', url: `/api/pay/orders/${a.merOrderId}`, cookie: alice })).statusCode).toBe(
      200,
    )
    expect((await inject({ method: 'GET', url: `/api/pay/orders/${a.merOrderId}`, cookie: bob })).statusCode).toBe(404)
    const list = (await inject({ method: 'GET', url: '/api/pay/my/orders', cookie: alice })).json() as {
      orders: Array<{ merOrderId: string }>
    }
    expect(list.orders.map((o) => o.merOrderId)).toEqual([a.merOrderId])
    expect(list.orders.map((o) => o.merOrderId)).not.toContain(b.merOrderId)
    expect((await inject({ method: 'GET', url: '/api/pay/my/orders' })).json()).toEqual({ orders: [] })
  })

  it(`one client holds at most ${MAX_UNPAID_ORDERS_PER_CLIENT} unpaid orders; others are not affected`, async () => {
    const ip = '10.0.0.99'
    const results: number[] = []
    for (let i = 0; i < MAX_UNPAID_ORDERS_PER_CLIENT + 2; i++) {
      results.push(
        (await inject({ method: 'POST', url: '/api/pay/chinaums/orders', payload: { amount: 1, channel: 'uac' }, ip }))
          .statusCode,
      )
    }
    expect(results.filter((s) => s === 200)).toHaveLength(MAX_UNPAID_ORDERS_PER_CLIENT)
    const refused = await inject({
      method: 'POST',
      url: '/api/pay/chinaums/orders',
      payload: { amount: 1, channel: 'uac' },
      ip,
    })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('TOO_MANY_UNPAID_ORDERS')
    expect(refused.json().error.message).toContain('未支付的订单过多')
    expect(
      (
        await inject({
          method: 'POST',
          url: '/api/pay/chinaums/orders',
          payload: { amount: 1, channel: 'uac' },
          ip: '10.0.0.98',
        })
      ).statusCode,
    ).toBe(200)
  })
})

describe('银商 notifies and the per-IP limit', () => {
  it('a burst of signed notifies from one address is never answered 429, while browsers are limited', async () => {
    const limited = await startTestServer({}, { rateLimitPerMinute: 3 })
    try {
      const answers = new Set<number>()
      for (let i = 0; i < 10; i++) {
        const r = await limited.app.inject({
          method: 'POST',
          url: '/notify/chinaums',
          // signed by 银商 (orders unknown here, so FAILED); forged ones are counted: server/http/abuse.test.ts
          payload: platformNotify(`1017${String(i).padStart(24, '0')}`, 100),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
        answers.add(r.statusCode)
        expect(r.body).toBe('FAILED')
      }
      expect([...answers]).toEqual([200])
      const browser = await Promise.all(
        Array.from({ length: 5 }, () => limited.app.inject({ method: 'GET', url: '/api/pay/my/orders' })),
      )
      expect(browser.map((r) => r.statusCode)).toContain(429)
    } finally {
      await limited.close()
    }
  })
})
