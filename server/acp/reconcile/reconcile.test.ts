import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/harness.ts'
import { jsonApi, type Json } from '../../test/json-api.ts'
import { seedSignedContract } from '../contracts.fixture.ts'
import { callAs, openedCard, userCookie } from '../preauth/card.fixture.ts'

// The whole server in sandbox mode on a loopback port: the reconciliation downloads the sandbox
// gateway's file over real HTTP; the sandbox builds it from what it processed, with its own code.
let s: TestServer
// 2026-11-30 10:00 Beijing: today's transactions belong to settle day 20261130 (cut-off 23:00).
let now = Date.parse('2026-11-30T02:00:00Z')
const DAY = '20261130'
let key = 0

beforeAll(async () => {
  s = await startTestServer({ RATE_LIMIT_PER_MINUTE: '1000000' }, { clock: () => now })
}, 60_000)
afterAll(async () => s.close())

const api = jsonApi(() => s.baseUrl)
const sandbox = (path: string, body: unknown) =>
  fetch(`${s.baseUrl}/sandbox/acp/__control/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const contract = () => seedSignedContract(s.ctx.db, s.sandbox!)
const charge = async (amount: number, next?: 'unknown') => {
  if (next) await sandbox('next', { outcome: next })
  const r = await api('POST', '/api/contract/charges', {
    contractId: (await contract()).contractId,
    amount,
    idempotencyKey: `recon-${++key}-${now}`,
  })
  expect(r.status, JSON.stringify(r.json)).toBe(200)
  return r.json.orderId as string
}
const order = async (id: string) => (await api('GET', `/api/acp/orders/${id}`)).json
const settled = async (id: string) => {
  for (let i = 0; i < 300 && (await order(id)).status !== 'SUCCESS'; i++) await new Promise((r) => setTimeout(r, 10))
  return order(id)
}
const run = (settleDate = DAY) => api('POST', '/api/acp/reconciliations', { settleDate })

describe('reconciliation with the 全渠道 file', () => {
  const ids: Record<string, string> = {}

  it('refuses a day whose file does not exist yet (98), writing nothing', async () => {
    ids.matched = await charge(1200)
    await settled(ids.matched)
    const r = await run()
    expect([r.status, r.json.error.code]).toEqual([409, 'RECON_FILE_NOT_READY'])
    expect((await api('GET', `/api/acp/reconciliations/${DAY}`)).status).toBe(404)
  })

  it('marks every planted mismatch, settles what stayed unknown, and stores card numbers masked', async () => {
    // An unknown outcome (answer 03, no notification) the file lists: settled SUCCESS by the file.
    ids.unknownPaid = await charge(1500, 'unknown')
    // An unknown outcome the file does not list: the file is final, FAILED.
    ids.unknownLost = await charge(1600, 'unknown')
    await sandbox('file', { omit: ids.unknownLost })
    // Settled here, but the file states another amount.
    ids.amount = await charge(800)
    await sandbox('file', { amend: { orderId: ids.amount, txnAmt: 900 } })
    // Settled here, missing in the file.
    ids.notInFile = await charge(700)
    await sandbox('file', { omit: ids.notInFile })
    // A consume the gateway processed that we have no record of (sent around our records).
    const acp = s.acp!
    ids.notHere = `RECONX${now}`
    const a = await acp.client.contractConsume({
      orderId: ids.notHere,
      txnTime: acp.client.txnTime(),
      txnAmt: 300,
      backUrl: `${s.baseUrl}/notify/unionpay/acp`,
      contractId: (await contract()).contractId,
    })
    expect(a.respCode).toBe('00')
    // A partial refund of the first charge: a second line (04) that matches.
    for (const id of [ids.amount, ids.notInFile]) await settled(id)
    const refund = await api('POST', `/api/acp/orders/${ids.matched}/refund`, { amount: 200 })
    expect(refund.status, JSON.stringify(refund.json)).toBe(200)
    ids.refund = refund.json.reversal.orderId as string
    await settled(ids.refund)
    await sandbox('file', { fullCardNumbers: true })

    now = Date.parse('2026-11-30T15:30:00Z') // 23:30 Beijing: the day is closed, the file exists
    const r = await run()
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    const rec = r.json.reconciliation
    expect(r.json.repeated).toBe(false)
    const kindOf = (id: string) => rec.items.filter((i: Json) => i.orderId === id).map((i: Json) => i.kind)
    expect(kindOf(ids.matched!)).toEqual(['MATCHED'])
    expect(kindOf(ids.refund!)).toEqual(['MATCHED'])
    expect(kindOf(ids.unknownPaid!)).toEqual(['SETTLED_SUCCESS'])
    expect(kindOf(ids.unknownLost!)).toEqual(['SETTLED_FAILED'])
    expect(kindOf(ids.amount!)).toEqual(['AMOUNT_DIFFERS'])
    expect(kindOf(ids.notInFile!)).toEqual(['MISSING_IN_FILE'])
    expect(kindOf(ids.notHere)).toEqual(['MISSING_LOCALLY'])
    const amountItem = rec.items.find((i: Json) => i.orderId === ids.amount)
    expect([amountItem.localAmount, amountItem.fileAmount]).toEqual([800, 900])
    expect(rec).toMatchObject({ settleDate: DAY, settled: 2, mismatches: 3 })
    // The file carried full card numbers: only masked ones are stored.
    const cards = rec.items.filter((i: Json) => i.accNoMasked).map((i: Json) => i.accNoMasked as string)
    expect(cards.length).toBeGreaterThan(0)
    for (const c of cards) expect(c).toMatch(/^\d{6}\*{9}\d{4}$/)
    const stored = await s.ctx.db
      .selectFrom('acp_reconciliation_items')
      .select('acc_no_masked as c')
      .where('acc_no_masked', 'is not', null)
      .execute()
    expect(stored.length).toBeGreaterThan(0)
    for (const row of stored) expect((row.c ?? '').replace(/\D/g, '')).toHaveLength(10)

    // The file settled what stayed unknown, through the usual move with its event.
    const paid = await order(ids.unknownPaid)
    expect(paid.status).toBe('SUCCESS')
    expect(paid.events.at(-1)).toMatchObject({ toStatus: 'SUCCESS', source: 'reconcile' })
    expect((await order(ids.unknownLost)).status).toBe('FAILED')
    expect((await order(ids.amount)).status).toBe('SUCCESS')
  })

  it('is idempotent: the same day again returns the first report and changes nothing', async () => {
    const first = (await api('GET', `/api/acp/reconciliations/${DAY}`)).json
    const events = (await order(ids.unknownPaid!)).events.length
    const calls = s.sandbox!.acp.log.length
    const again = await run()
    expect(again.status).toBe(200)
    expect(again.json.repeated).toBe(true)
    expect(again.json.reconciliation).toEqual(first)
    expect((await order(ids.unknownPaid!)).events.length).toBe(events)
    expect(s.sandbox!.acp.log.length).toBe(calls)
    const list = (await api('GET', '/api/acp/reconciliations')).json.reconciliations
    expect(list.filter((x: Json) => x.settleDate === DAY)).toHaveLength(1)
  })

  it('refuses a malformed file with the line named, applying nothing', async () => {
    now = Date.parse('2026-12-01T03:00:00Z') // 11:00 Beijing, settle day 20261201
    const pending = await charge(1100, 'unknown')
    await charge(1000)
    now = Date.parse('2026-12-01T15:10:00Z')
    await sandbox('file', { corruptLine: 2, fullCardNumbers: false })
    const bad = await run('20261201')
    expect([bad.status, bad.json.error.code]).toEqual([502, 'RECON_FILE_INVALID'])
    expect(bad.json.error.message).toContain('第 2 行')
    expect(bad.json.error.message).toContain('交易金额')
    expect((await order(pending)).status).toBe('PENDING')
    expect((await api('GET', '/api/acp/reconciliations/20261201')).status).toBe(404)
    await sandbox('file', { corruptLine: null })
    const good = await run('20261201')
    expect(good.status, JSON.stringify(good.json)).toBe(200)
    expect((await order(pending)).status).toBe('SUCCESS')
  })

  it('reconciles token payments and pre-authorisation completions too (holds move no money)', async () => {
    now = Date.parse('2026-12-02T02:00:00Z')
    const u = await userCookie(s, 'recon-token-user')
    const card = await openedCard(s, u)
    const draft = await callAs(s, u, 'POST', '/api/nojump/payments/sms', { bindingId: card, amount: 2_345 })
    const sms = (await (await fetch(`${s.baseUrl}/sandbox/acp/nojump/sms/${draft.json.orderId}`)).json()) as Json
    const paid = await callAs(s, u, 'POST', `/api/nojump/payments/${draft.json.orderId}/confirm`, { smsCode: sms.code })
    expect(paid.status, JSON.stringify(paid.json)).toBe(200)
    const hold = await callAs(s, u, 'POST', '/api/nojump/preauth', { bindingId: card, amount: 5_000 })
    for (let i = 0; i < 300 && (await s.preauth!.repo.get(hold.json.orderId))!.status !== 'SUCCESS'; i++)
      await new Promise((r) => setTimeout(r, 10))
    const done = await callAs(s, u, 'POST', `/api/nojump/preauth/${hold.json.orderId}/complete`, { amount: 4_000 })
    expect(done.status, JSON.stringify(done.json)).toBe(200)
    const completionId = done.json.followUps[0].orderId as string
    for (let i = 0; i < 300 && (await s.preauth!.repo.get(completionId))!.status !== 'SUCCESS'; i++)
      await new Promise((r) => setTimeout(r, 10))

    now = Date.parse('2026-12-02T15:05:00Z')
    const r = await run('20261202')
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    const item = (id: string) => r.json.reconciliation.items.find((i: Json) => i.orderId === id)
    expect(item(draft.json.orderId)).toMatchObject({
      kind: 'MATCHED',
      source: 'nojump',
      txnType: '01',
      fileAmount: 2_345,
    })
    expect(item(draft.json.orderId).accNoMasked).toBe('622638******0095')
    expect(item(completionId)).toMatchObject({ kind: 'MATCHED', source: 'preauth', txnType: '03', fileAmount: 4_000 })
    expect(item(hold.json.orderId)).toBeUndefined()
    expect(r.json.reconciliation.mismatches).toBe(0)
  })

  it('settles token payments left unknown: listed → SUCCESS, not listed → FAILED (inside the run)', async () => {
    now = Date.parse('2026-12-03T02:00:00Z')
    const u = await userCookie(s, 'recon-token-unknown')
    const card = await openedCard(s, u)
    const payUnknown = async (amount: number) => {
      const draft = await callAs(s, u, 'POST', '/api/nojump/payments/sms', { bindingId: card, amount })
      const sms = (await (await fetch(`${s.baseUrl}/sandbox/acp/nojump/sms/${draft.json.orderId}`)).json()) as Json
      await sandbox('next', { outcome: 'unknown' })
      const paid = await callAs(s, u, 'POST', `/api/nojump/payments/${draft.json.orderId}/confirm`, {
        smsCode: sms.code,
      })
      expect(paid.json).toMatchObject({ status: 'PENDING', respCode: '03' })
      return draft.json.orderId as string
    }
    const listed = await payUnknown(1_234)
    const lost = await payUnknown(1_235)
    await sandbox('file', { omit: lost })

    now = Date.parse('2026-12-03T15:05:00Z')
    const r = await run('20261203')
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    const payment = async (id: string) => (await callAs(s, u, 'GET', `/api/nojump/payments/${id}`)).json
    expect(await payment(listed)).toMatchObject({ status: 'SUCCESS' })
    expect((await payment(listed)).events.at(-1)).toMatchObject({ toStatus: 'SUCCESS', source: 'reconcile' })
    expect(await payment(lost)).toMatchObject({ status: 'FAILED', respCode: '34' })
    expect(r.json.reconciliation.settled).toBe(2)
  })

  it('validates the settle date', async () => {
    for (const d of ['2026113', '20261131', 'yesterday']) {
      const r = await run(d)
      expect([r.status, r.json.error.code], d).toEqual([400, 'INVALID_INPUT'])
      expect(r.json.error.message).toContain('清算日期')
    }
  })
})
