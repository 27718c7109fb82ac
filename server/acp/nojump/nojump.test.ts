import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_CARDS } from '../../sandbox/acp/nojump/cards.ts'
import { AcpNotifier } from '../../sandbox/acp/notifier.ts'
import { startTestServer, type TestServer } from '../../test/harness.ts'

// The whole server in sandbox mode at trace log level: the client reaches the sandbox 全渠道
// gateway over real HTTP and the gateway posts its notifications back to /notify/unionpay/acp/nojump.
let s: TestServer
let log = ''
let now = Date.now()
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>
let users = 0
const credit = TEST_CARDS[0]!
const debit = TEST_CARDS[1]!
const poor = TEST_CARDS[2]!

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      log += chunk.toString()
      done()
    },
  })
  s = await startTestServer(
    { RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'trace' },
    { clock: () => now, logStream: stream },
  )
}, 60_000)
afterAll(async () => s.close())

const userCookie = async () =>
  `upkit_sid=${(await s.ctx.sessions.create({ openId: `nojump-user-${++users}`, scope: 'upapi_base' })).id}`

const call = async (cookie: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: r.status, json: (await r.json()) as Json }
}
const smsFor = async (orderId: string) =>
  ((await (await fetch(`${s.baseUrl}/sandbox/acp/nojump/sms/${orderId}`)).json()) as Json).code as string
const cardBody = (c = credit) => ({ pan: c.pan, phone: c.phone, cvn2: c.cvn2, expired: c.expired })

async function openCard(cookie: string, c = credit) {
  const sms = await call(cookie, 'POST', '/api/nojump/cards/sms', cardBody(c))
  expect(sms.status, JSON.stringify(sms.json)).toBe(200)
  const code = await smsFor(sms.json.smsRef)
  return call(cookie, 'POST', `/api/nojump/cards/${sms.json.bindingId}/open`, { ...cardBody(c), smsCode: code })
}
async function pay(cookie: string, bindingId: string, amount: number) {
  const draft = await call(cookie, 'POST', '/api/nojump/payments/sms', { bindingId, amount })
  expect(draft.status, JSON.stringify(draft.json)).toBe(200)
  expect(draft.json.status).toBe('DRAFT')
  const code = await smsFor(draft.json.orderId)
  return call(cookie, 'POST', `/api/nojump/payments/${draft.json.orderId}/confirm`, { smsCode: code })
}
const order = async (cookie: string, id: string) => (await call(cookie, 'GET', `/api/nojump/payments/${id}`)).json
const settled = async (cookie: string, id: string, status = 'SUCCESS') => {
  for (let i = 0; i < 200 && (await order(cookie, id)).status !== status; i++)
    await new Promise((r) => setTimeout(r, 10))
  return order(cookie, id)
}

describe('back-end open with an SMS code', () => {
  it('opens a credit card: a token is stored, the user sees only the masked number', async () => {
    const u = await userCookie()
    const opened = await openCard(u)
    expect(opened.status, JSON.stringify(opened.json)).toBe(200)
    expect(opened.json).toMatchObject({ status: 'ACTIVE', via: 'back', maskedPan: '622638******0095' })
    const list = await call(u, 'GET', '/api/nojump/cards')
    expect(list.json.cards).toHaveLength(1)
    expect(JSON.stringify(list.json)).not.toContain(credit.pan)
    const row = (await s.nojump!.repo.binding(opened.json.bindingId as string))!
    expect(row.token).toMatch(/^9\d{18}$/)
    expect(JSON.stringify(list.json)).not.toContain(row.token)
    // the record store never holds the card number, phone or CVN2
    const dump = JSON.stringify(await s.ctx.db.selectFrom('nojump_bindings').selectAll().execute())
    for (const secret of [credit.pan, credit.phone, `"${credit.cvn2}"`]) expect(dump).not.toContain(secret)
  })

  it('a wrong SMS code is refused and can be corrected; another card number is refused', async () => {
    const u = await userCookie()
    const sms = await call(u, 'POST', '/api/nojump/cards/sms', cardBody())
    const code = await smsFor(sms.json.smsRef)
    const wrong = code === '000000' ? '111111' : '000000'
    const bad = await call(u, 'POST', `/api/nojump/cards/${sms.json.bindingId}/open`, { ...cardBody(), smsCode: wrong })
    expect([bad.status, bad.json.error.code]).toEqual([409, 'ACP_01'])
    expect(bad.json.error.message).toContain('短信验证码错误')
    const other = await call(u, 'POST', `/api/nojump/cards/${sms.json.bindingId}/open`, {
      ...cardBody(poor),
      smsCode: code,
    })
    expect(other.json.error.code).toBe('CARD_MISMATCH')
    const ok = await call(u, 'POST', `/api/nojump/cards/${sms.json.bindingId}/open`, { ...cardBody(), smsCode: code })
    expect(ok.json.status).toBe('ACTIVE')
  })

  it('refusals: a debit card cannot be opened in the back end; a wrong phone gets no SMS; bad input is 400', async () => {
    const u = await userCookie()
    const d = await openCard(u, debit)
    expect([d.status, d.json.error.code]).toEqual([409, 'ACP_60'])
    const wrongPhone = await call(u, 'POST', '/api/nojump/cards/sms', { ...cardBody(), phone: '13900000000' })
    expect([wrongPhone.status, wrongPhone.json.error.code]).toEqual([409, 'ACP_01'])
    const badPan = await call(u, 'POST', '/api/nojump/cards/sms', { ...cardBody(), pan: '6226abc' })
    expect(badPan.status).toBe(400)
    expect(JSON.stringify(badPan.json)).not.toContain('6226abc')
    const noLogin = await call('', 'GET', '/api/nojump/cards')
    expect(noLogin.status).toBe(401)
  })
})

describe('paying with the token and an SMS code', () => {
  it('consume → PENDING → the notification settles it SUCCESS, with its event rows', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const p = await pay(u, b.bindingId, 1234)
    expect(p.status, JSON.stringify(p.json)).toBe(200)
    // the answer leaves it PENDING; the sandbox's notification may already have settled it by the time we read it
    expect(['PENDING', 'SUCCESS']).toContain(p.json.status)
    const o = await settled(u, p.json.orderId)
    expect(o).toMatchObject({ status: 'SUCCESS', amount: 1234 })
    expect(o.events.map((e: { toStatus: string }) => e.toStatus)).toEqual(['DRAFT', 'PENDING', 'SUCCESS'])
    // the SMS step cannot be replayed
    const again = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/confirm`, { smsCode: '123456' })
    expect(again.json.error.code).toBe('ORDER_NOT_DRAFT')
  })

  it('insufficient funds (64) is a final refusal', async () => {
    const u = await userCookie()
    const b = (await openCard(u, poor)).json
    const p = await pay(u, b.bindingId, 500)
    expect(p.json).toMatchObject({ status: 'FAILED', respCode: '64' })
  })

  it('another user cannot pay with or see a binding or order', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const other = await userCookie()
    const r = await call(other, 'POST', '/api/nojump/payments/sms', { bindingId: b.bindingId, amount: 100 })
    expect([r.status, r.json.error.code]).toEqual([404, 'NO_BINDING'])
    const p = await pay(u, b.bindingId, 100)
    expect((await call(other, 'GET', `/api/nojump/payments/${p.json.orderId}`)).status).toBe(404)
  })

  it('refund: partial and repeated, capped at what was paid; void after a refund is refused', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const p = await pay(u, b.bindingId, 1000)
    await settled(u, p.json.orderId)
    const r1 = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/refund`, { amount: 400 })
    expect(r1.status, JSON.stringify(r1.json)).toBe(200)
    const over = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/refund`, { amount: 601 })
    expect([over.status, over.json.error.code]).toEqual([409, 'REFUND_EXCEEDS'])
    await settled(u, r1.json.reversal.orderId)
    const r2 = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/refund`, { amount: 600 })
    expect(r2.status).toBe(200)
    await settled(u, r2.json.reversal.orderId)
    expect((await order(u, p.json.orderId)).refundedAmount).toBe(1000)
    const v = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/void`)
    expect(v.json.error.code).toBe('VOID_AFTER_REFUND')
  })

  it('void: same day, the full amount; the consume becomes VOIDED', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const p = await pay(u, b.bindingId, 700)
    await settled(u, p.json.orderId)
    const v = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/void`)
    expect(v.status, JSON.stringify(v.json)).toBe(200)
    await settled(u, v.json.reversal.orderId)
    expect((await order(u, p.json.orderId)).status).toBe('VOIDED')
  })
})

describe('unknown outcomes', () => {
  it('a consume answered 03 stays PENDING; reversal (99) undoes it; a known success cannot be reversed', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    await fetch(`${s.baseUrl}/sandbox/acp/__control/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'unknown' }),
    })
    const p = await pay(u, b.bindingId, 300)
    expect(p.json).toMatchObject({ status: 'PENDING', respCode: '03' })
    const r = await call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/reverse`)
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    expect(r.json.status).toBe('REVERSED')
    // the gateway agrees: the original is not taken
    const txns = (await (await fetch(`${s.baseUrl}/sandbox/acp/__control/txns/${p.json.orderId}`)).json()) as Json[]
    expect(txns[0]).toMatchObject({ status: 'failed', reversed: true })

    const ok = await pay(u, b.bindingId, 200)
    await settled(u, ok.json.orderId)
    const no = await call(u, 'POST', `/api/nojump/payments/${ok.json.orderId}/reverse`)
    expect([no.status, no.json.error.code]).toEqual([409, 'REVERSAL_NOT_UNKNOWN'])
  })

  it('no notification: the query after 5 minutes settles it; reversal is refused once the window closed', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    await fetch(`${s.baseUrl}/sandbox/acp/__control/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'lost_notify' }),
    })
    const p = await pay(u, b.bindingId, 800)
    expect(p.json.status).toBe('PENDING')
    expect(await s.nojump!.checkDue()).toBe(0)
    const start = now
    try {
      now += 5 * 60_000 + 1
      expect(await s.nojump!.checkDue()).toBeGreaterThanOrEqual(1)
      expect((await order(u, p.json.orderId)).status).toBe('SUCCESS')
    } finally {
      now = start
    }
  })

  it('reversal window: yesterday 23:00 to today 23:00 (Beijing)', async () => {
    const { reversalProblem } = await import('./rules.ts')
    const at = (s: string) => Date.parse(s)
    const pending = { kind: 'consume', status: 'PENDING' }
    // 2026-11-30 22:30 Beijing = 14:30Z; 23:10 Beijing = 15:10Z
    expect(reversalProblem({ ...pending, txnTime: '20261130223000' }, at('2026-11-30T14:59:00Z'))).toBeNull()
    expect(reversalProblem({ ...pending, txnTime: '20261130223000' }, at('2026-11-30T15:01:00Z'))?.code).toBe(
      'REVERSAL_WINDOW_CLOSED',
    )
    expect(reversalProblem({ ...pending, txnTime: '20261130231000' }, at('2026-12-01T14:00:00Z'))).toBeNull()
  })
})

describe('exactly once under concurrency', () => {
  const lostNotify = () =>
    fetch(`${s.baseUrl}/sandbox/acp/__control/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'lost_notify' }),
    })
  const notify = (fields: Record<string, string>) =>
    fetch(`${s.baseUrl}/notify/unionpay/acp/nojump`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })

  it('a notification posted 20 times at once: stored and applied once, every copy answered 200', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    await lostNotify()
    const p = await pay(u, b.bindingId, 640)
    expect(p.json.status).toBe('PENDING')
    const txn = [...s.sandbox!.acp.txns.values()].find((t) => t.orderId === p.json.orderId)!
    const fields = new AcpNotifier(s.sandbox!.acp).fields(txn)
    const answers = await Promise.all(Array.from({ length: 20 }, () => notify(fields)))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    const o = await order(u, p.json.orderId)
    expect(o.status).toBe('SUCCESS')
    expect(o.events.filter((e: { toStatus: string }) => e.toStatus === 'SUCCESS')).toHaveLength(1)
    expect(await s.acp!.repo.notificationCount(p.json.orderId)).toBe(1)
  })

  it('two query runs at once (as two instances would run them): a due order is queried once', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    await lostNotify()
    const p = await pay(u, b.bindingId, 650)
    const start = now
    try {
      now += 5 * 60_000 + 1
      await Promise.all([s.nojump!.checkDue(), s.nojump!.checkDue()])
      const queries = s.sandbox!.acp.log.filter((l) => l.path === 'queryTrans' && l.orderId === p.json.orderId)
      expect(queries).toHaveLength(1)
      expect((await order(u, p.json.orderId)).status).toBe('SUCCESS')
    } finally {
      now = start
    }
  })

  it('eight refunds at once against one payment: only what fits is sent, the rest refused', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const p = await pay(u, b.bindingId, 1000)
    await settled(u, p.json.orderId)
    const all = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(u, 'POST', `/api/nojump/payments/${p.json.orderId}/refund`, { amount: 300 }),
      ),
    )
    expect(all.filter((r) => r.status === 200)).toHaveLength(3)
    expect(all.filter((r) => r.status === 409).map((r) => r.json.error.code)).toEqual(Array(5).fill('REFUND_EXCEEDS'))
    expect((await order(u, p.json.orderId)).reversals).toHaveLength(3)
  })
})

describe('bindings', () => {
  it('remove (74): the binding is REMOVED, the gateway refuses its token afterwards', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const r = await call(u, 'DELETE', `/api/nojump/cards/${b.bindingId}`)
    expect(r.json.status).toBe('REMOVED')
    expect((await call(u, 'GET', '/api/nojump/cards')).json.cards).toHaveLength(0)
    const p = await call(u, 'POST', '/api/nojump/payments/sms', { bindingId: b.bindingId, amount: 100 })
    expect(p.json.error.code).toBe('BINDING_NOT_ACTIVE')
  })
})

/** The buyer's browser on the bank page: posts the merchant's form, fills the card, reads the sandbox SMS. */
async function bankPage(form: { action: string; fields: Record<string, string> }, c = credit, step = 'submit') {
  const post = (url: string, body: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
      redirect: 'manual',
    })
  const first = await post(form.action, form.fields)
  const page = await first.text()
  expect(first.status, page).toBe(200)
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(page)![1]!, form.action).toString()
  const values = { pan: c.pan, phone: c.phone, cvn2: c.cvn2 ?? '', expired: c.expired ?? '' }
  if (step === 'cancel') return hiddenOf(await (await post(action, { ...values, step: 'cancel' })).text())
  const smsPage = await (await post(action, { ...values, step: 'sms' })).text()
  const code = /data-testid="bank-sms-code">(\d{6})</.exec(smsPage)![1]!
  const done = await (await post(action, { ...values, step: 'submit', smsCode: code })).text()
  return hiddenOf(done)
}
function hiddenOf(page: string) {
  const out: Record<string, string> = {}
  const dec = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]!] = dec(m[2]!)
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1] ?? ''
  return { action: dec(action), fields: out }
}
async function backToMerchant(result: { action: string; fields: Record<string, string> }) {
  const r = await fetch(result.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(result.fields).toString(),
    redirect: 'manual',
  })
  return { status: r.status, location: r.headers.get('location') ?? '' }
}

describe('front-end open and open-and-pay (the bank page)', () => {
  it('front open: the bank page opens the card; the signed result brings the buyer back with the binding ACTIVE', async () => {
    const u = await userCookie()
    const start = await call(u, 'POST', '/api/nojump/cards/front')
    expect(start.status, JSON.stringify(start.json)).toBe(200)
    expect(start.json.form.action).toMatch(/\/gateway\/api\/frontTransReq\.do$/)
    expect(start.json.form.fields).toMatchObject({ txnType: '79', txnSubType: '00', bizType: '000902' })
    const result = await bankPage(start.json.form, debit)
    expect(result.fields.respCode).toBe('00')
    const back = await backToMerchant(result)
    expect(back.status).toBe(303)
    expect(back.location).toBe(`/bindcard?binding=${start.json.binding.bindingId}`)
    const b = await call(u, 'GET', `/api/nojump/cards/${start.json.binding.bindingId}`)
    expect(b.json).toMatchObject({ status: 'ACTIVE', via: 'front', maskedPan: '621626*********0018' })
  })

  it('front open without the buyer coming back: the notification (79) opens it; cancel fails it; a forged result changes nothing', async () => {
    const u = await userCookie()
    const start = await call(u, 'POST', '/api/nojump/cards/front')
    await bankPage(start.json.form, credit)
    const id = start.json.binding.bindingId as string
    const status = async (bindingId: string) => (await s.nojump!.repo.binding(bindingId))!.status
    for (let i = 0; i < 200 && (await status(id)) !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 10))
    expect(await status(id)).toBe('ACTIVE')

    const other = await call(u, 'POST', '/api/nojump/cards/front')
    const forged = await backToMerchant({
      action: `${s.baseUrl}/pay/return/nojump`,
      fields: { ...other.json.form.fields, respCode: '00', tokenPayData: '{token=9111&trId=62000000001}' },
    })
    expect(forged.location).toBe('/bindcard?returned=unverified')
    expect(await status(other.json.binding.bindingId)).toBe('OPENING')
    const cancelled = await bankPage(other.json.form, credit, 'cancel')
    await backToMerchant(cancelled)
    expect(await status(other.json.binding.bindingId)).toBe('FAILED')
  })

  it('open-and-pay: one front transaction pays; the notification settles it; the token comes by orderId (79/05)', async () => {
    const u = await userCookie()
    const start = await call(u, 'POST', '/api/nojump/open-and-pay', { amount: 990 })
    expect(start.status, JSON.stringify(start.json)).toBe(200)
    expect(start.json.form.fields).toMatchObject({ txnType: '01', txnSubType: '01', bizType: '000902', txnAmt: '990' })
    const result = await bankPage(start.json.form, credit)
    const back = await backToMerchant(result)
    expect(back.location).toBe(`/bindcard?binding=${start.json.binding.bindingId}&order=${start.json.order.orderId}`)
    const o = await settled(u, start.json.order.orderId)
    expect(o.status).toBe('SUCCESS')
    let b: Json = {}
    for (let i = 0; i < 200 && b.status !== 'ACTIVE'; i++) {
      b = (await call(u, 'GET', `/api/nojump/cards/${start.json.binding.bindingId}`)).json
      if (b.status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 10))
    }
    expect(b).toMatchObject({ status: 'ACTIVE', via: 'open_pay', maskedPan: '622638******0095' })
    // and the new binding pays without redirect
    const p = await pay(u, b.bindingId, 120)
    expect((await settled(u, p.json.orderId)).status).toBe('SUCCESS')
  })

  it('open-and-pay refused for insufficient funds: the order FAILED, the binding FAILED', async () => {
    const u = await userCookie()
    const start = await call(u, 'POST', '/api/nojump/open-and-pay', { amount: 5000 })
    const result = await bankPage(start.json.form, poor)
    expect(result.fields.respCode).toBe('64')
    expect((await settled(u, start.json.order.orderId, 'FAILED')).status).toBe('FAILED')
    let b: Json = {}
    for (let i = 0; i < 200 && b.status !== 'FAILED'; i++)
      b = (await call(u, 'GET', `/api/nojump/cards/${start.json.binding.bindingId}`)).json
    expect(b.status).toBe('FAILED')
  })
})

describe('update token (79/03)', () => {
  it('answers a new token for the holder; a wrong phone is refused', async () => {
    const u = await userCookie()
    const b = (await openCard(u)).json
    const before = (await s.nojump!.repo.binding(b.bindingId))!.token
    const bad = await call(u, 'POST', `/api/nojump/cards/${b.bindingId}/update`, {
      phone: '13900000000',
      cvn2: '248',
      expired: '3012',
    })
    expect(bad.json.error.code).toBe('ACP_01')
    const ok = await call(u, 'POST', `/api/nojump/cards/${b.bindingId}/update`, {
      phone: credit.phone,
      cvn2: credit.cvn2,
      expired: credit.expired,
    })
    expect(ok.json.status).toBe('ACTIVE')
    expect((await s.nojump!.repo.binding(b.bindingId))!.token).not.toBe(before)
    expect((await pay(u, b.bindingId, 50)).json.status).toBe('PENDING')
  })
})

describe('logs', () => {
  it('never carry a card number, phone, CVN2 or expiry, even at trace level', () => {
    expect(log).toContain('nojump')
    // every gateway answer was sent once (a handler's reply is not awaited as a thenable)
    expect(log).not.toContain('FST_ERR_REP_ALREADY_SENT')
    // a number standing alone: a float such as "responseTime":0.36018100000001 holds a phone's digits by chance
    const alone = (digits: string) => new RegExp(`(?<![0-9.])${digits}(?![0-9])`)
    for (const c of TEST_CARDS) {
      expect(log).not.toMatch(alone(c.pan))
      expect(log).not.toMatch(alone(c.phone))
    }
    expect(log).not.toMatch(/cvn2"?\s*[:=]\s*"?\d{3}/)
    expect(log).not.toMatch(/expired"?\s*[:=]\s*"?\d{4}/)
  })
})
