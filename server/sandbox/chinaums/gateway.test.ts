import { createHash, createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signOpen } from '../../chinaums/sign.ts'
import { SANDBOX_CHINAUMS } from '../credentials.ts'
import { startTestServer, type TestServer } from '../../test/harness.ts'

let app: TestServer
let base: string
beforeAll(async () => {
  app = await startTestServer()
  base = app.baseUrl
})
afterAll(async () => app?.close())

const p2 = (n: number) => String(n).padStart(2, '0')
function beijing(now = Date.now()) {
  const d = new Date(now + 8 * 3600_000)
  const date = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`
  return { request: `${date} ${time}`, compact: (date + time).replace(/\D/g, '') }
}

/** Signs a back-end call by hand, from the seed's formula. */
async function call(api: string, fields: Record<string, unknown>, opts: { key?: string; tamper?: boolean } = {}) {
  const t = beijing()
  const body = JSON.stringify({
    requestTimestamp: t.request,
    mid: SANDBOX_CHINAUMS.mid,
    tid: SANDBOX_CHINAUMS.tid,
    instMid: 'H5DEFAULT',
    ...fields,
  })
  const nonce = 'abcdef0123456789'
  const sig = createHmac('sha256', opts.key ?? SANDBOX_CHINAUMS.appKey)
    .update(SANDBOX_CHINAUMS.appId + t.compact + nonce + createHash('sha256').update(body).digest('hex'))
    .digest('base64')
  const res = await fetch(`${base}/sandbox/chinaums/v1/netpay/${api}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `OPEN-BODY-SIG AppId="${SANDBOX_CHINAUMS.appId}", Timestamp="${t.compact}", Nonce="${nonce}", Signature="${sig}"`,
    },
    body: opts.tamper ? body.replace('"mid"', ' "mid"') : body,
  })
  return (await res.json()) as Record<string, unknown>
}

const inject = (url: string, payload: unknown) => app.app.inject({ method: 'POST', url, payload: payload as object })

async function paidOrder(secure = false): Promise<string> {
  const r = (
    await inject('/api/pay/chinaums/orders', {
      amount: 1000,
      channel: 'alipay',
      ...(secure ? { secureTransaction: true } : {}),
    })
  ).json() as {
    merOrderId: string
    redirectUrl: string
  }
  await fetch(r.redirectUrl)
  await fetch(`${base}/sandbox/chinaums/__control/pay/${r.merOrderId}`, { method: 'POST' })
  return r.merOrderId
}

describe('sandbox 银商 OPEN-BODY-SIG APIs', () => {
  it('BAD_SIGN for a wrong key or a body changed after signing', async () => {
    expect((await call('query', { merOrderId: '1017000000000' }, { key: 'wrong' })).errCode).toBe('BAD_SIGN')
    expect((await call('query', { merOrderId: '1017000000000' }, { tamper: true })).errCode).toBe('BAD_SIGN')
  })

  it('refuses plausible misreadings of the seed formula, not only wrong keys', async () => {
    const body = JSON.stringify({
      requestTimestamp: beijing().request,
      mid: SANDBOX_CHINAUMS.mid,
      tid: SANDBOX_CHINAUMS.tid,
      instMid: 'H5DEFAULT',
      merOrderId: '1017000000000',
    })
    const send = async (authorization: string) =>
      (await (
        await fetch(`${base}/sandbox/chinaums/v1/netpay/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body,
        })
      ).json()) as Record<string, unknown>
    const sign = (timestamp: string, hex: (h: string) => string, digest: 'base64' | 'hex' = 'base64') =>
      createHmac('sha256', SANDBOX_CHINAUMS.appKey)
        .update(SANDBOX_CHINAUMS.appId + timestamp + 'n0nce' + hex(createHash('sha256').update(body).digest('hex')))
        .digest(digest)
    const header = (timestamp: string, signature: string) =>
      `OPEN-BODY-SIG AppId="${SANDBOX_CHINAUMS.appId}", Timestamp="${timestamp}", Nonce="n0nce", Signature="${signature}"`
    const bj = beijing().compact
    expect(
      (
        await send(
          header(
            bj,
            sign(bj, (h) => h),
          ),
        )
      ).errCode,
    ).toBe('NO_ORDER') // the seed's formula
    expect(
      (
        await send(
          header(
            bj,
            sign(bj, (h) => h.toUpperCase()),
          ),
        )
      ).errCode,
    ).toBe('BAD_SIGN') // SHA256_HEX upper-case
    expect(
      (
        await send(
          header(
            bj,
            sign(bj, (h) => h, 'hex'),
          ),
        )
      ).errCode,
    ).toBe('BAD_SIGN') // hex instead of Base64
    const utc = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
    expect(
      (
        await send(
          header(
            utc,
            sign(utc, (h) => h),
          ),
        )
      ).errCode,
    ).toBe('ABNORMAL_REQUEST_TIME') // UTC, not Beijing time
    expect(
      (
        await send(
          header(
            bj,
            sign(bj, (h) => h),
          ).replace(/"/g, ''),
        )
      ).errCode,
    ).toBe('BAD_REQUEST') // values unquoted
  })

  it('NO_ORDER, query, DUP_ORDER and OPERATION_NOT_ALLOWED', async () => {
    expect((await call('query', { merOrderId: '1017000000000' })).errCode).toBe('NO_ORDER')
    const id = await paidOrder()
    expect(await call('query', { merOrderId: id, msgId: 'm1' })).toMatchObject({
      errCode: 'SUCCESS',
      status: 'TRADE_SUCCESS',
      totalAmount: 1000,
      msgId: 'm1',
      targetSys: 'Alipay 2.0',
    })
    expect((await call('uac/app-order', { merOrderId: id, totalAmount: 1 })).errCode).toBe('DUP_ORDER')
    expect((await call('close', { merOrderId: id })).errCode).toBe('OPERATION_NOT_ALLOWED')
    expect((await call('refund', { merOrderId: id, refundAmount: 1001, refundOrderId: '1017X00000001' })).errCode).toBe(
      'OPERATION_NOT_ALLOWED',
    )
    const r1 = await call('refund', { merOrderId: id, refundAmount: 400, refundOrderId: '1017X00000002' })
    expect(r1).toMatchObject({ errCode: 'SUCCESS', refundStatus: 'SUCCESS', status: 'TRADE_REFUND' })
    const again = await call('refund', { merOrderId: id, refundAmount: 400, refundOrderId: '1017X00000002' })
    expect(again).toMatchObject({ errCode: 'SUCCESS', refundOrderId: '1017X00000002' })
    expect((await call('query', { merOrderId: id })).status).toBe('TRADE_REFUND')
    expect(await call('refund-query', { merOrderId: '1017X00000002' })).toMatchObject({
      errCode: 'SUCCESS',
      refundStatus: 'SUCCESS',
    })
    expect((await call('refund', { merOrderId: id, refundAmount: 600, refundOrderId: '1017X00000003' })).status).toBe(
      'TRADE_CLOSED',
    )
    expect((await call('refund', { merOrderId: id, refundAmount: 1, refundOrderId: '1017X00000004' })).errCode).toBe(
      'OPERATION_NOT_ALLOWED',
    )
  })
})

describe('sandbox divided (分账) refunds, seed 1.3', () => {
  it('platformAmount required, one sub-merchant at a time, no share refunded twice', async () => {
    const A = '988460101800202'
    const r = (
      await inject('/api/pay/chinaums/orders', {
        amount: 1000,
        channel: 'alipay',
        divisionFlag: true,
        platformAmount: 200,
        subOrders: [
          { mid: A, totalAmount: 500 },
          { mid: '988460101800203', totalAmount: 300 },
        ],
      })
    ).json() as { merOrderId: string; redirectUrl: string }
    await fetch(r.redirectUrl)
    await fetch(`${base}/sandbox/chinaums/__control/pay/${r.merOrderId}`, { method: 'POST' })
    const id = r.merOrderId
    expect((await call('refund', { merOrderId: id, refundAmount: 100, refundOrderId: '1017D00000001' })).errCode).toBe(
      'BAD_REQUEST',
    )
    const two = await call('refund', {
      merOrderId: id,
      refundAmount: 200,
      refundOrderId: '1017D00000002',
      platformAmount: 0,
      subOrders: [
        { mid: A, totalAmount: 100 },
        { mid: '988460101800203', totalAmount: 100 },
      ],
    })
    expect(two).toMatchObject({ errCode: 'BAD_REQUEST', errMsg: '一次只能对一个子商户进行退款' })
    const stranger = await call('refund', {
      merOrderId: id,
      refundAmount: 100,
      refundOrderId: '1017D00000003',
      platformAmount: 0,
      subOrders: [{ mid: '988460101800299', totalAmount: 100 }],
    })
    expect(stranger.errCode).toBe('BAD_REQUEST')
    expect(
      (
        await call('refund', {
          merOrderId: id,
          refundAmount: 500,
          refundOrderId: '1017D00000004',
          platformAmount: 0,
          subOrders: [{ mid: A, totalAmount: 500 }],
        })
      ).errCode,
    ).toBe('SUCCESS')
    expect(
      (
        await call('refund', {
          merOrderId: id,
          refundAmount: 1,
          refundOrderId: '1017D00000005',
          platformAmount: 0,
          subOrders: [{ mid: A, totalAmount: 1 }],
        })
      ).errCode,
    ).toBe('OPERATION_NOT_ALLOWED')
    expect(
      (await call('refund', { merOrderId: id, refundAmount: 201, refundOrderId: '1017D00000006', platformAmount: 201 }))
        .errCode,
    ).toBe('OPERATION_NOT_ALLOWED')
    expect(
      (await call('refund', { merOrderId: id, refundAmount: 200, refundOrderId: '1017D00000007', platformAmount: 200 }))
        .errCode,
    ).toBe('SUCCESS')
  })

  it('银联在线无卡 (qmf/h5-pay) refuses a divided order', async () => {
    const r = (
      await inject('/api/pay/chinaums/orders', {
        amount: 1000,
        channel: 'uac',
        divisionFlag: true,
        platformAmount: 1000,
        subOrders: [{ mid: '988460101800202', totalAmount: 0 }],
      })
    ).json() as { redirectUrl: string }
    const res = await fetch(r.redirectUrl.replace('/uac/order?', '/qmf/h5-pay?'))
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('银联在线无卡不支持分账')
  })
})

describe('sandbox notifies', () => {
  it('retries until the merchant answers SUCCESS', async () => {
    const r = (await inject('/api/pay/chinaums/orders', { amount: 321, channel: 'uac' })).json() as {
      merOrderId: string
      redirectUrl: string
    }
    await fetch(r.redirectUrl)
    await fetch(`${base}/sandbox/chinaums/__control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'notify', times: 1 }),
    })
    await fetch(`${base}/sandbox/chinaums/__control/pay/${r.merOrderId}`, { method: 'POST' })
    expect((await app.app.inject({ method: 'GET', url: `/api/pay/orders/${r.merOrderId}` })).json().status).toBe(
      'NEW_ORDER',
    )
    await expect
      .poll(
        async () => (await app.app.inject({ method: 'GET', url: `/api/pay/orders/${r.merOrderId}` })).json().status,
        { timeout: 5000 },
      )
      .toBe('TRADE_SUCCESS')
    const view = (await (await fetch(`${base}/sandbox/chinaums/__control/orders/${r.merOrderId}`)).json()) as {
      notifies: Array<{ attempt: number; answer: string }>
    }
    expect(view.notifies.map((n) => [n.attempt, n.answer])).toEqual([
      [1, 'DROPPED'],
      [2, 'SUCCESS'],
    ])
  })
})

describe('guaranteed (secure) transactions through the admin routes', () => {
  it('cannot refund before completion; complete; cancel → HAS_CANCELLED', async () => {
    const id = await paidOrder(true)
    await expect
      .poll(async () => (await app.app.inject({ method: 'GET', url: `/api/pay/orders/${id}` })).json().status)
      .toBe('TRADE_SUCCESS')
    expect((await inject(`/api/pay/orders/${id}/refund`, { amount: 1 })).json().error.code).toBe('SECURE_UNCOMPLETED')
    const done = await inject(`/api/pay/orders/${id}/secure-complete`, { amount: 600 })
    expect(done.json().secureStatus).toBe('PARTLY_COMPLETED')
    expect(done.json().order).toMatchObject({
      status: 'TRADE_SUCCESS',
      secureStatus: 'PARTLY_COMPLETED',
      completedAmount: 600,
    })
    expect(app.app.pay.records.orders.events(id).at(-1)).toMatchObject({
      source: 'secure-complete',
      detail: 'completed 600, returned 400',
    })
    expect((await inject(`/api/pay/orders/${id}/secure-complete`, { amount: 100 })).statusCode).toBe(409)
    // Only the completed 600 can be refunded; refunding all of it closes the order.
    expect((await inject(`/api/pay/orders/${id}/refund`, { amount: 601 })).json().error.code).toBe('EXCEEDS_AMOUNT')
    expect((await call('refund', { merOrderId: id, refundAmount: 601, refundOrderId: '1017S00000001' })).errCode).toBe(
      'OPERATION_NOT_ALLOWED',
    )
    expect((await inject(`/api/pay/orders/${id}/refund`, { amount: 600 })).json().order).toMatchObject({
      status: 'TRADE_CLOSED',
      refundedAmount: 600,
    })

    const id2 = await paidOrder(true)
    await expect
      .poll(async () => (await app.app.inject({ method: 'GET', url: `/api/pay/orders/${id2}` })).json().status)
      .toBe('TRADE_SUCCESS')
    expect((await inject(`/api/pay/orders/${id2}/secure-cancel`, {})).json().order).toMatchObject({
      status: 'TRADE_CLOSED',
      secureStatus: 'CANCELED',
      completedAmount: 0,
    })
    expect((await call('secure-cancel', { merOrderId: id2 })).errCode).toBe('HAS_CANCELLED')
  })
})

describe('sandbox H5 order content (seed 1.1.3)', () => {
  it('refuses fields over their documented length, and bad true/false flags', async () => {
    const { redirectUrl } = (await inject('/api/pay/chinaums/orders', { amount: 100, channel: 'uac' })).json() as {
      redirectUrl: string
    }
    const u = new URL(redirectUrl)
    const content = JSON.parse(u.searchParams.get('content') ?? '{}') as Record<string, unknown>
    const resign = (c: Record<string, unknown>) => {
      const text = JSON.stringify(c)
      const s = signOpen(SANDBOX_CHINAUMS, text, Date.now())
      const v = new URL(u.origin + u.pathname)
      for (const [k, val] of Object.entries({
        authorization: 'OPEN-FORM-PARAM',
        appId: s.appId,
        timestamp: s.timestamp,
        nonce: s.nonce,
        content: text,
        signature: s.signature,
      }))
        v.searchParams.set(k, val)
      return v
    }
    expect((await fetch(resign({ ...content, merOrderId: '1017OK00000001' }))).status).toBe(200)
    const long = await fetch(resign({ ...content, merOrderId: '1017LONG000001', orderDesc: 'x'.repeat(256) }))
    expect(long.status).toBe(400)
    expect(await long.text()).toContain('orderDesc')
    const flag = await fetch(resign({ ...content, merOrderId: '1017FLAG000001', limitCreditCard: 'yes' }))
    expect(await flag.text()).toContain('limitCreditCard')
  })
})
