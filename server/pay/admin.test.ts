import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../test/harness.ts'

const TOKEN = 'admin-token-0123456789'
let app: TestApp
beforeAll(async () => {
  app = await buildTestApp({ ADMIN_TOKEN: TOKEN })
})
afterAll(async () => app?.app.close())

describe('merchant actions with ADMIN_TOKEN', () => {
  it('refuses the list, refunds and closes without the token', async () => {
    for (const [method, url] of [
      ['GET', '/api/pay/orders'],
      ['POST', '/api/pay/orders/1017000000000000000000000001/refund'],
      ['POST', '/api/pay/orders/1017000000000000000000000001/close'],
    ] as const) {
      const r = await app.app.inject({ method, url, payload: method === 'POST' ? { amount: 1 } : undefined })
      expect(r.statusCode).toBe(403)
      expect(r.json().error.code).toBe('ADMIN_TOKEN_REQUIRED')
      const wrong = await app.app.inject({
        method,
        url,
        headers: { 'x-admin-token': 'nope' },
        payload: method === 'POST' ? { amount: 1 } : undefined,
      })
      expect(wrong.statusCode).toBe(403)
    }
    expect((await app.app.inject({ method: 'GET', url: '/api/pay/admin' })).json()).toEqual({
      allowed: false,
      tokenRequired: true,
    })
  })

  it('allows them with the token', async () => {
    const r = await app.app.inject({ method: 'GET', url: '/api/pay/orders', headers: { 'x-admin-token': TOKEN } })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ orders: [] })
    const refund = await app.app.inject({
      method: 'POST',
      url: '/api/pay/orders/1017000000000000000000000001/refund',
      headers: { 'x-admin-token': TOKEN },
      payload: { amount: 1 },
    })
    expect(refund.json().error.code).toBe('NO_ORDER')
  })

  it('an unknown order is a 404 for anyone', async () => {
    const r = await app.app.inject({ method: 'GET', url: '/api/pay/orders/1017000000000000000000000009' })
    expect(r.statusCode).toBe(404)
    expect((await app.app.inject({ method: 'GET', url: '/api/pay/orders/..%2Fx' })).statusCode).toBe(400)
  })
})
