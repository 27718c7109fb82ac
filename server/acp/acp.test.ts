import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxSign } from '../sandbox/acp/crypto.ts'
import { AcpNotifier } from '../sandbox/acp/notifier.ts'
import { startTestServer, type TestServer } from '../test/harness.ts'
import type { AcpService } from './service.ts'
import { seedSignedContract } from './contracts.fixture.ts'

// The whole server in sandbox mode on a loopback port: the client reaches the sandbox 全渠道
// gateway over real HTTP and the gateway posts its notifications back to /notify/unionpay/acp.
let s: TestServer
// Loosely typed answers: the tests assert the fields they read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>
let now = Date.now()
let key = 0
const idem = () => `idem-${Date.now()}-${++key}`

beforeAll(async () => {
  s = await startTestServer({ RATE_LIMIT_PER_MINUTE: '1000000' }, { clock: () => now })
}, 60_000)
afterAll(async () => s.close())

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: r.status, json: (await r.json()) as Json }
}
const charge = (contractId: string, amount: number, idempotencyKey = idem()) =>
  api('POST', '/api/contract/charges', { contractId, amount, idempotencyKey })
const gatewayCalls = () => s.sandbox!.acp.log.length
const order = async (id: string) => (await api('GET', `/api/acp/orders/${id}`)).json
const settled = async (id: string, status = 'SUCCESS') => {
  for (let i = 0; i < 200 && (await order(id)).status !== status; i++) await new Promise((r) => setTimeout(r, 10))
  return order(id)
}
const contract = () => seedSignedContract(s.ctx.db, s.sandbox!)

describe('charging a signed contract', () => {
  it('charges once per idempotency key; the notification settles it with its event rows', async () => {
    const c = await contract()
    const k = idem()
    const a = await charge(c.contractId, 1200, k)
    expect(a.status, JSON.stringify(a.json)).toBe(200)
    const calls = gatewayCalls()
    const b = await charge(c.contractId, 1200, k)
    expect(b.json.orderId).toBe(a.json.orderId)
    expect(gatewayCalls()).toBe(calls)
    expect((await charge(c.contractId, 1300, k)).json.error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    const o = await settled(a.json.orderId as string)
    expect(o).toMatchObject({ status: 'SUCCESS', amount: 1200, contractId: c.contractId, planId: c.planId })
    expect(o.events.map((e: { toStatus: string }) => e.toStatus)).toEqual(['PENDING', 'SUCCESS'])
  })

  it('refuses over the single and daily limits with a 4xx before any gateway call', async () => {
    const c = await contract()
    const calls = gatewayCalls()
    // PLAN0001 in the sandbox: 单笔 200.00 元, 单日 500.00 元 (as its sign page says).
    const single = await charge(c.contractId, 20001)
    expect([single.status, single.json.error.code]).toEqual([400, 'LIMIT_SINGLE'])
    expect(gatewayCalls()).toBe(calls)
    for (const amt of [20000, 20000, 10000]) expect((await charge(c.contractId, amt)).status).toBe(200)
    const daily = await charge(c.contractId, 1)
    expect([daily.status, daily.json.error.code]).toEqual([409, 'LIMIT_DAILY'])
    expect(daily.json.error.message).toContain('500.00')
    expect(gatewayCalls()).toBe(calls + 3)
  })

  it('checks arrears (用户状态查询) first: a user who owes is refused, nothing is charged', async () => {
    const c = await contract()
    s.sandbox!.contracts.unfinished.set(c.openId, '2')
    const calls = gatewayCalls()
    const r = await charge(c.contractId, 100)
    expect([r.status, r.json.error.code]).toEqual([409, 'USER_IN_ARREARS'])
    expect(gatewayCalls()).toBe(calls)
    s.sandbox!.contracts.unfinished.set(c.openId, 'abc')
    expect((await charge(c.contractId, 100)).status).toBe(200)
  })

  it('refuses unknown or relieved contracts and bad input with clear errors', async () => {
    expect((await charge('NOSUCHCONTRACT', 100)).json.error.code).toBe('CONTRACT_NOT_SIGNED')
    const bad = await api('POST', '/api/contract/charges', { contractId: 'x', amount: 1.5, idempotencyKey: 'short' })
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toContain('amount')
  })

  it('insufficient funds: the gateway refuses (64) and the charge is FAILED', async () => {
    const c = await contract()
    s.sandbox!.acp.next.push('insufficient')
    const r = await charge(c.contractId, 100)
    expect(r.json).toMatchObject({ status: 'FAILED', respCode: '64' })
  })

  it('unknown outcome: no notification, a query no earlier than 5 minutes settles it', async () => {
    const c = await contract()
    s.sandbox!.acp.next.push('unknown')
    const r = await charge(c.contractId, 700)
    expect(r.json).toMatchObject({ status: 'PENDING', respCode: '03' })
    const service = s.acp as AcpService
    now += 4 * 60_000
    expect(await service.checkDue()).toBe(0)
    now += 61_000
    expect(await service.checkDue()).toBeGreaterThanOrEqual(1)
    const o = await order(r.json.orderId as string)
    expect(o.status).toBe('SUCCESS')
    expect(o.events.at(-1)).toMatchObject({ toStatus: 'SUCCESS', source: 'query' })
  })
})

describe('POST /notify/unionpay/acp', () => {
  const post = (fields: Record<string, string>) =>
    fetch(`${s.baseUrl}/notify/unionpay/acp`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  const lost = async () => {
    const c = await contract()
    s.sandbox!.acp.next.push('lost_notify')
    const r = await charge(c.contractId, 900)
    const txn = [...s.sandbox!.acp.txns.values()].find((t) => t.orderId === r.json.orderId)!
    return { orderId: r.json.orderId as string, fields: new AcpNotifier(s.sandbox!.acp).fields(txn) }
  }
  const notifications = (orderId: string) => s.acp!.repo.notificationCount(orderId)

  it('valid: stored, applied, 200', async () => {
    const { orderId, fields } = await lost()
    expect((await order(orderId)).status).toBe('PENDING')
    const r = await post(fields)
    expect(r.status).toBe(200)
    expect(await r.text()).toBe('ok')
    expect((await order(orderId)).status).toBe('SUCCESS')
    expect(await notifications(orderId)).toBe(1)
  })

  it('tampered: refused, nothing stored or changed', async () => {
    const { orderId, fields } = await lost()
    expect((await post({ ...fields, respCode: '64' })).status).toBe(400)
    expect((await post({ ...fields, txnAmt: '1' })).status).toBe(400)
    const { signPubKeyCert: _c, ...noCert } = fields
    expect((await post(noCert)).status).toBe(400)
    expect((await order(orderId)).status).toBe('PENDING')
    expect(await notifications(orderId)).toBe(0)
  })

  it('replayed and 20 concurrent duplicates: applied once, every copy answered 200', async () => {
    const { orderId, fields } = await lost()
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(fields)))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    expect((await post(fields)).status).toBe(200)
    const o = await order(orderId)
    expect(o.status).toBe('SUCCESS')
    expect(o.events.filter((e: { toStatus: string }) => e.toStatus === 'SUCCESS')).toHaveLength(1)
    expect(await notifications(orderId)).toBe(1)
  })

  it('an order we do not know is refused without side effects', async () => {
    const { fields } = await lost()
    const { signature: _s, ...rest } = fields
    const other = { ...rest, orderId: 'A20261130000000099999999' }
    const txnLike = { ...other, signature: sandboxSign(other, s.sandbox!.acp.pki.signKeyPem) }
    expect((await post(txnLike)).status).toBe(404)
    expect(await s.acp!.repo.notificationCount('A20261130000000099999999')).toBe(0)
  })
})

describe('void (31) and refund (04)', () => {
  const paid = async (amount: number) => {
    const c = await contract()
    const r = await charge(c.contractId, amount)
    return (await settled(r.json.orderId as string)).orderId as string
  }
  const voidIt = (id: string) => api('POST', `/api/acp/orders/${id}/void`, {})
  const refund = (id: string, amount: number) => api('POST', `/api/acp/orders/${id}/refund`, { amount })

  it('void: full amount, same day, once; the consume becomes VOIDED by the notification', async () => {
    const id = await paid(800)
    const v = await voidIt(id)
    expect(v.status, JSON.stringify(v.json)).toBe(200)
    expect((await settled(id, 'VOIDED')).reversals).toMatchObject([{ kind: 'void', amount: 800, status: 'SUCCESS' }])
    expect((await voidIt(id)).json.error.code).toBe('ALREADY_VOIDED')
    expect((await refund(id, 1)).json.error.code).toBe('ALREADY_VOIDED')
  })

  it('void is refused on another day (refund instead)', async () => {
    const id = await paid(500)
    now += 24 * 3600_000
    try {
      expect((await voidIt(id)).json.error.code).toBe('VOID_NOT_SAME_DAY')
      expect((await refund(id, 500)).status).toBe(200)
    } finally {
      now -= 24 * 3600_000
    }
  })

  it('refund: partial and repeated, capped at what was paid, then void is refused', async () => {
    const id = await paid(1000)
    expect((await refund(id, 300)).status).toBe(200)
    expect((await refund(id, 700)).status).toBe(200)
    for (let i = 0; i < 200 && (await order(id)).refundedAmount !== 1000; i++)
      await new Promise((r) => setTimeout(r, 10))
    expect((await order(id)).refundedAmount).toBe(1000)
    const over = await refund(id, 1)
    expect([over.status, over.json.error.code]).toEqual([409, 'REFUND_EXCEEDS'])
    expect((await voidIt(id)).json.error.code).toBe('VOID_AFTER_REFUND')
  })
})

describe('tn for upsdk.pay', () => {
  it('POST /api/pay/tn gets a 全渠道 tn; the pay order settles only by the notification', async () => {
    const r = await api('POST', '/api/pay/tn', { amount: 1500 })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    const { orderId, tn } = r.json as { orderId: string; tn: string }
    expect(s.sandbox!.acp.byTn.has(tn)).toBe(true)
    expect((await api('GET', `/api/pay/orders/${orderId}`)).json.status).toBe('NEW_ORDER')
    const pay = await fetch(`${s.baseUrl}/sandbox/chinaums/tn/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tn, outcome: 'success' }),
    })
    expect(pay.status).toBe(200)
    expect((await api('GET', `/api/pay/orders/${orderId}`)).json.status).toBe('TRADE_SUCCESS')
    expect((await order(orderId)).events.at(-1)).toMatchObject({ toStatus: 'SUCCESS', source: 'notify' })
  })
})

describe('tn refused', () => {
  it('insufficient funds at the pay step: the query finds 64, the 全渠道 order FAILS and the pay order closes', async () => {
    const r = await api('POST', '/api/pay/tn', { amount: 300 })
    const { orderId, tn } = r.json as { orderId: string; tn: string }
    s.sandbox!.acp.next.push('insufficient')
    const pay = await fetch(`${s.baseUrl}/sandbox/acp/tn/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tn, outcome: 'success' }),
    })
    expect(pay.status).toBe(402)
    expect((await api('GET', `/api/pay/orders/${orderId}`)).json.status).toBe('NEW_ORDER')
    now += 5 * 60_000 + 1000
    await (s.acp as AcpService).checkDue()
    expect(await order(orderId)).toMatchObject({ status: 'FAILED', respCode: '64' })
    expect((await api('GET', `/api/pay/orders/${orderId}`)).json.status).toBe('TRADE_CLOSED')
  })
})

describe('GET /api/capabilities', () => {
  it('says what the sandbox deployment can serve', async () => {
    expect((await api('GET', '/api/capabilities')).json).toMatchObject({
      inAppPay: true,
      contractCharging: true,
      acp: true,
      nojump: true,
      preauth: true,
    })
  })
})
