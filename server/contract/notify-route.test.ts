import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContractRepo } from '../contract/repo.ts'
import { signNotification } from '../crypto/rsa.ts'
import { SANDBOX_UNIONPAY } from '../sandbox/credentials.ts'
import { buildTestApp, type TestApp } from '../test/harness.ts'

const OPEN_ID = 'A+2pMHJdXtQ42kQsuqUyM4qPubW5hrr3ONwj7Dgnu2wCFGcrnYVZiUo5AbUZPnBm'
const CONTRACT_ID = '6218400000020001614'

/** The seed's 5.4.3.4 example with our appId, signed with the test's own key. */
function notification(privateKey: KeyObject, over: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = {
    timestamp: '1568251930',
    appId: SANDBOX_UNIONPAY.appId,
    trid: '62009000052',
    operateTime: '2019-11-05 10:45:55',
    nonceStr: 'XFg3Lx4fUTaFyFLJ',
    contractId: CONTRACT_ID,
    openId: OPEN_ID,
    ...over,
  }
  params.signature = signNotification(params, privateKey)
  return params
}

/** The query string exactly as in the seed: `+` and `/` left raw, only the space escaped. */
const seedStyleQuery = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v.replaceAll(' ', '%20')}`)
    .join('&')

describe('POST/GET /notify/unionpay/contract (解约结果通知)', () => {
  let built: TestApp
  let repo: ContractRepo
  let privateKey: KeyObject
  let otherKey: KeyObject

  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    privateKey = pair.privateKey
    otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    // The seed example's timestamp (1568251930) is fresh a minute later (notifications are checked for freshness).
    built = await buildTestApp(
      { UNIONPAY_PUBLIC_KEY: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
      { clock: () => 1_568_251_990_000 },
    )
    repo = new ContractRepo(built.ctx.db)
  })
  afterAll(async () => {
    await built?.app.close()
  })

  /** A signed contract in the record store, as if signed through the sign page. */
  function seedContract(contractCode: string, contractId: string, openId = OPEN_ID, signedAt = Date.UTC(2019, 0, 1)) {
    const at = new ContractRepo(built.ctx.db, () => signedAt)
    at.startApply({ appId: SANDBOX_UNIONPAY.appId, openId, planId: 'PLAN0001', contractCode, leaseMs: 30_000 })
    at.transition(contractCode, ['applying'], {
      to: 'signed',
      source: 'apply',
      contractId,
      operateTime: '20190101080000',
    })
  }
  const statusOf = (code: string) => repo.byCode(code)?.status
  const notifications = () =>
    (built.ctx.db.prepare('SELECT COUNT(*) AS n FROM contract_notifications').get() as { n: number }).n

  it('accepts the seed example as a GET query string, relieves the contract, and ignores the replay', async () => {
    seedContract('1000001', CONTRACT_ID)
    const params = notification(privateKey)
    const url = `/notify/unionpay/contract?${seedStyleQuery(params)}`
    expect(url).toContain('openId=A+2pMHJ')

    const res = await built.app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ resp: '00' })
    const c = repo.byCode('1000001')
    expect(c).toMatchObject({ status: 'relieved', relievedBy: 'platform', operateTime: '2019-11-05 10:45:55' })
    const events = repo.events('1000001')
    const before = notifications()

    const replay = await built.app.inject({ method: 'GET', url })
    expect(replay.json()).toEqual({ resp: '00' })
    expect(repo.events('1000001')).toEqual(events)
    expect(repo.byCode('1000001')).toEqual(c)
    expect(notifications()).toBe(before)
  })

  it('accepts a JSON body and a form body (spaces as +)', async () => {
    seedContract('1000002', '6218400000020002222')
    const json = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      payload: notification(privateKey, { contractId: '6218400000020002222', nonceStr: 'json0000json0000' }),
    })
    expect(json.json()).toEqual({ resp: '00' })
    expect(statusOf('1000002')).toBe('relieved')

    seedContract('1000003', '6218400000020003333')
    const form = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(
        notification(privateKey, { contractId: '6218400000020003333', nonceStr: 'form0000form0000' }),
      ).toString(),
    })
    expect(form.json()).toEqual({ resp: '00' })
    expect(statusOf('1000003')).toBe('relieved')
  })

  it('answers 01 and changes nothing for a tampered or foreign signature', async () => {
    seedContract('1000004', '6218400000020004444')
    const before = notifications()
    const good = notification(privateKey, { contractId: '6218400000020004444' })
    const tampered = { ...good, operateTime: '2019-11-05 10:45:56' }
    const r1 = await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: tampered })
    expect(r1.json()).toEqual({ resp: '01' })
    const swapped = { ...good, contractId: CONTRACT_ID }
    const r2 = await built.app.inject({ method: 'GET', url: `/notify/unionpay/contract?${seedStyleQuery(swapped)}` })
    expect(r2.json()).toEqual({ resp: '01' })
    const foreign = notification(otherKey, { contractId: '6218400000020004444' })
    const r3 = await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: foreign })
    expect(r3.json()).toEqual({ resp: '01' })
    const { signature: _s, ...unsigned } = good
    const r4 = await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: unsigned })
    expect(r4.json()).toEqual({ resp: '01' })
    const r5 = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      payload: { ...good, contractId: { x: 1 } },
    })
    expect(r5.json()).toEqual({ resp: '01' })
    const r6 = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      headers: { 'content-type': 'application/json' },
      payload: '{"contractId":',
    })
    expect(r6.json()).toEqual({ resp: '01' })

    expect(statusOf('1000004')).toBe('signed')
    expect(repo.events('1000004').map((e) => e.to)).toEqual(['applying', 'signed'])
    expect(notifications()).toBe(before)
  })

  it('records an unknown contractId for review and answers 00', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      payload: notification(privateKey, { contractId: '6218499999999999999' }),
    })
    expect(res.json()).toEqual({ resp: '00' })
    expect(repo.notificationsFor('unknown')).toEqual([
      expect.objectContaining({ contractId: '6218499999999999999', outcome: 'unknown' }),
    ])
  })

  it('ignores a late notification about an earlier signing of the same contractId', async () => {
    // signed "now"; the notification says the user relieved in 2019
    seedContract('1000006', '6218400000020006666', 'late+user/openid=', Date.now())
    const res = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      payload: notification(privateKey, { contractId: '6218400000020006666', openId: 'late+user/openid=' }),
    })
    expect(res.json()).toEqual({ resp: '00' })
    expect(statusOf('1000006')).toBe('signed')
    expect(repo.notificationsFor('stale').map((n) => n.contractId)).toEqual(['6218400000020006666'])
  })

  it('does not let a notification for another user relieve a contract', async () => {
    seedContract('1000005', '6218400000020005555', 'someone+else/entirely=')
    const res = await built.app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      payload: notification(privateKey, { contractId: '6218400000020005555' }),
    })
    expect(res.json()).toEqual({ resp: '00' })
    expect(statusOf('1000005')).toBe('signed')
    expect(repo.notificationsFor('mismatch').map((n) => n.contractId)).toContain('6218400000020005555')
  })

  it('a replay with the signature re-encoded (URL-safe, no padding) is still a replay', async () => {
    seedContract('1000011', '6218400000020011111', 'C+reencOpenIdC+reencOpenIdC+reencOpenIdC+reencOpenId00000000000000')
    const params = notification(privateKey, {
      contractId: '6218400000020011111',
      nonceStr: 'reenc000reenc000',
      openId: 'C+reencOpenIdC+reencOpenIdC+reencOpenIdC+reencOpenId00000000000000',
    })
    expect(
      (await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: params })).json(),
    ).toEqual({ resp: '00' })
    expect(statusOf('1000011')).toBe('relieved')
    const before = notifications()
    const reencoded = { ...params, signature: Buffer.from(params.signature ?? '', 'base64').toString('base64url') }
    expect(reencoded.signature).not.toBe(params.signature)
    expect(
      (await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: reencoded })).json(),
    ).toEqual({ resp: '00' })
    expect(notifications()).toBe(before)
  })

  it("refuses (01) a signed notification without the seed's fields or with a stale timestamp, changing nothing", async () => {
    seedContract('1000012', '6218400000020012222', 'B+fieldsOpenIdB+fieldsOpenIdB+fieldsOpenIdB+fieldsOpenId0000000000')
    const before = notifications()
    for (const drop of ['trid', 'timestamp', 'nonceStr', 'operateTime']) {
      const p: Record<string, string> = {
        timestamp: '1568251930',
        appId: SANDBOX_UNIONPAY.appId,
        trid: '62009000052',
        operateTime: '2019-11-05 10:45:55',
        nonceStr: 'drop0000drop0000',
        contractId: '6218400000020012222',
        openId: 'B+fieldsOpenIdB+fieldsOpenIdB+fieldsOpenIdB+fieldsOpenId0000000000',
      }
      delete p[drop]
      p.signature = signNotification(p, privateKey)
      expect(
        (await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: p })).json(),
        drop,
      ).toEqual({ resp: '01' })
    }
    const old = notification(privateKey, {
      contractId: '6218400000020012222',
      openId: 'B+fieldsOpenIdB+fieldsOpenIdB+fieldsOpenIdB+fieldsOpenId0000000000',
      timestamp: String(1_568_251_990 - 25 * 3600),
    })
    expect((await built.app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: old })).json()).toEqual(
      { resp: '01' },
    )
    expect(statusOf('1000012')).toBe('signed')
    expect(notifications()).toBe(before)
  })
})
