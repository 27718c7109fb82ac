import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../app.ts'
import { ContractRepo } from '../contract/repo.ts'
import { ContractService } from '../contract/service.ts'
import { SANDBOX_UNIONPAY } from '../sandbox/credentials.ts'
import { DEFAULT_USERS } from '../sandbox/unionpay/state.ts'
import { startTestServer, type TestServer } from '../test/harness.ts'
import { ContractApi } from '../unionpay/contract.ts'

/** A tiny browser: follows nothing by itself, keeps cookies by name. */
class Browser {
  readonly cookies = new Map<string, string>()
  constructor(
    private readonly app: App['app'],
    private readonly userAgent = CLOUDPAY_UA,
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  /** The app's own API takes JSON (as the H5 sends it); the sandbox's pages post forms. */
  async request(method: 'GET' | 'POST', url: string, payload?: Record<string, string>) {
    const json = url.startsWith('/api/')
    const res = await this.app.inject({
      method,
      url,
      headers: {
        cookie: this.cookieHeader,
        'user-agent': this.userAgent,
        ...(payload ? { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' } : {}),
      },
      ...(payload ? { payload: json ? JSON.stringify(payload) : new URLSearchParams(payload).toString() } : {}),
    })
    for (const c of res.cookies) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    return res
  }
}

const CLOUDPAY_UA =
  'Mozilla/5.0 (Linux; Android 13) Mobile Safari/537.36 (com.unionpay.chsp) (cordova 7.0.0) (updebug 0)'
const USER = DEFAULT_USERS[0]!
const USER2 = DEFAULT_USERS[1]!
const pathOf = (location: string) => {
  const u = new URL(location)
  return `${u.pathname}${u.search}`
}

describe('contract routes against the sandbox over HTTP', () => {
  let built: TestServer
  let base: string

  beforeAll(async () => {
    built = await startTestServer()
    base = built.config.publicBaseUrl
  })
  afterAll(async () => {
    await built?.app.close()
  })

  const sbx = () => built.sandbox!.contracts
  const applyCalls = () => built.sandbox!.unionpay.calls.filter((c) => c.api === 'contract.apply').length

  /** authorize → sandbox sign page → agree/cancel → callback; returns the final redirect. */
  async function signFlow(
    b: Browser,
    opts: { planId?: string; openId?: string; action?: 'agree' | 'cancel'; redirect?: string } = {},
  ) {
    const planId = opts.planId ?? 'PLAN0001'
    const redirect = opts.redirect ?? '/contract'
    const auth = await b.request(
      'GET',
      `/api/contract/authorize?planId=${planId}&redirect=${encodeURIComponent(redirect)}`,
    )
    expect(auth.statusCode).toBe(302)
    const signPage = new URL(auth.headers.location as string)
    expect(signPage.origin + signPage.pathname).toBe(`${base}/sandbox/unionpay/s/open/noPwd/html/open.html`)
    const page = await b.request('GET', pathOf(signPage.toString()))
    expect(page.statusCode).toBe(200)
    const form = Object.fromEntries(signPage.searchParams)
    const agreed = await b.request('POST', signPage.pathname, {
      ...form,
      openId: opts.openId ?? USER.openId,
      action: opts.action ?? 'agree',
    })
    expect(agreed.statusCode).toBe(302)
    const cb = new URL(agreed.headers.location as string)
    expect(cb.pathname).toBe('/api/contract/callback')
    const done = await b.request('GET', pathOf(cb.toString()))
    expect(done.statusCode).toBe(302)
    return { authorize: signPage, callback: cb, final: done.headers.location as string }
  }

  it('authorize redirects to the sign page with the documented parameters', async () => {
    const b = new Browser(built.app)
    const res = await b.request('GET', '/api/contract/authorize?planId=PLAN0002&redirect=/contract?x=1')
    expect(res.statusCode).toBe(302)
    const u = new URL(res.headers.location as string)
    expect(u.pathname).toBe('/sandbox/unionpay/s/open/noPwd/html/open.html')
    expect(u.searchParams.get('appId')).toBe(SANDBOX_UNIONPAY.appId)
    expect(u.searchParams.get('redirectUri')).toBe(`${base}/api/contract/callback`)
    expect(u.searchParams.get('responseType')).toBe('code')
    expect(u.searchParams.get('scope')).toBe('upapi_contract')
    expect(u.searchParams.get('planId')).toBe('PLAN0002')
    expect(u.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(b.cookies.has('upkit_cbind')).toBe(true)
    const page = await b.request('GET', pathOf(u.toString()))
    expect(page.body).toContain('无感停车')
    expect(page.body).toContain('单笔限额')
    expect(page.body).toContain('1000.00 元')
  })

  it('authorize outside the 云闪付 app goes back to the page with NOT_IN_CLOUDPAY and starts nothing', async () => {
    const b = new Browser(built.app, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36')
    const res = await b.request('GET', '/api/contract/authorize?planId=PLAN0001&redirect=/contract')
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/contract?contract=error&code=NOT_IN_CLOUDPAY&planId=PLAN0001')
    expect(b.cookies.has('upkit_cbind')).toBe(false)
  })

  it('authorize accepts only configured plans and same-origin paths', async () => {
    const b = new Browser(built.app)
    const unknown = await b.request('GET', '/api/contract/authorize?planId=NOPE')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.message).toContain('planId')
    for (const bad of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'contract',
      '/.//evil.example',
      '/a/..//evil.example',
    ]) {
      const r = await b.request('GET', `/api/contract/authorize?planId=PLAN0001&redirect=${encodeURIComponent(bad)}`)
      expect(r.statusCode, bad).toBe(400)
      expect(r.json().error.code).toBe('INVALID_REDIRECT')
    }
  })

  it('the sandbox sign page checks its parameters like the real one (N62132 foreign host, scope, planId)', async () => {
    const b = new Browser(built.app)
    const auth = await b.request('GET', '/api/contract/authorize?planId=PLAN0001')
    const signPage = new URL(auth.headers.location as string)
    const variant = (over: Record<string, string | null>) => {
      const u = new URL(signPage)
      for (const [k, v] of Object.entries(over)) {
        if (v === null) u.searchParams.delete(k)
        else u.searchParams.set(k, v)
      }
      return b.request('GET', pathOf(u.toString()))
    }
    const cases: Array<[Record<string, string | null>, string]> = [
      [{ redirectUri: 'https://evil.example/api/contract/callback' }, 'N62132'],
      [{ redirectUri: 'not a url' }, 'N62132'],
      [{ scope: 'upapi_base' }, 'N62131'],
      [{ planId: null }, 'N62114'],
      [{ planId: 'NOPE' }, 'N62137'],
      [{ responseType: 'token' }, 'N62105'],
      [{ appId: 'someoneelse' }, 'N62126'],
    ]
    for (const [over, resp] of cases) {
      const res = await variant(over)
      expect(res.statusCode, JSON.stringify(over)).toBe(400)
      expect(res.body, JSON.stringify(over)).toContain(`<code id="resp">${resp}</code>`)
    }
    expect((await variant({})).statusCode).toBe(200)
  })

  it('signs through the sandbox page, logs the user in and stores the contract', async () => {
    const b = new Browser(built.app)
    const before = applyCalls()
    const { callback, final } = await signFlow(b, { redirect: '/contract?from=test' })
    // the code travels with its + / = intact
    expect(callback.searchParams.get('code')).toMatch(/[+/=]/)
    expect(final).toBe('/contract?from=test&contract=signed&planId=PLAN0001')
    expect(b.cookies.has('upkit_sid')).toBe(true)
    expect(applyCalls()).toBe(before + 1)

    const me = await b.request('GET', '/api/contract?info=1')
    expect(me.statusCode).toBe(200)
    const c = me.json()
    expect(c.planId).toBe('PLAN0001')
    expect(c.status).toBe('signed')
    expect(c.contractId).toMatch(/^\d{19}$/)
    expect(c.contractCode).toMatch(/^\d{22}$/)
    expect(c.operateTime).toMatch(/^\d{14}$/)
    expect(c.platform).toEqual({ contractStatus: 'signed', contractId: c.contractId })
    expect(c.contracts.map((x: { planId: string; status: string }) => [x.planId, x.status])).toEqual([
      ['PLAN0001', 'signed'],
      ['PLAN0002', 'none'],
    ])
    expect(JSON.stringify(c)).not.toContain(USER.openId)

    const sandboxSide = sbx().contracts.get(c.contractId)
    expect(sandboxSide?.contractCodes).toEqual([c.contractCode])
    expect(sandboxSide?.status).toBe('1')

    // signing again for the same plan does not call contract.apply a second time
    const again = await signFlow(b)
    expect(again.final).toBe('/contract?contract=signed&planId=PLAN0001')
    expect(applyCalls()).toBe(before + 1)
    const repo = new ContractRepo(built.ctx.db)
    const rows = {
      n: (
        await built.ctx.db.selectFrom('contracts').select('contract_code').where('open_id', '=', USER.openId).execute()
      ).length,
    }
    expect(rows.n).toBe(1)
    expect((await repo.events(c.contractCode)).map((e) => e.to)).toEqual(['applying', 'signed'])
  })

  it('a cancelled sign page comes back as cancelled and stores nothing', async () => {
    const b = new Browser(built.app)
    const { callback, final } = await signFlow(b, { planId: 'PLAN0002', openId: USER2.openId, action: 'cancel' })
    expect(callback.searchParams.get('errorcode')).toBe('user0001')
    expect(final).toBe('/contract?contract=cancelled&planId=PLAN0002')
    const rows = {
      n: (
        await built.ctx.db.selectFrom('contracts').select('contract_code').where('open_id', '=', USER2.openId).execute()
      ).length,
    }
    expect(rows.n).toBe(0)
  })

  it('state is single use and bound to the browser', async () => {
    const b = new Browser(built.app)
    const auth = await b.request('GET', '/api/contract/authorize?planId=PLAN0002')
    const signPage = new URL(auth.headers.location as string)
    const agreed = await b.request('POST', signPage.pathname, {
      ...Object.fromEntries(signPage.searchParams),
      openId: USER2.openId,
      action: 'agree',
    })
    const cb = pathOf(agreed.headers.location as string)

    const stranger = new Browser(built.app)
    const stolen = await stranger.request('GET', cb)
    expect(stolen.headers.location).toBe('/contract?contract=error&code=STATE_INVALID')
    // the state was spent by the stranger's attempt, so the owner must start again too
    const replay = await b.request('GET', cb)
    expect(replay.headers.location).toBe('/contract?contract=error&code=STATE_INVALID')
    const forged = await b.request('GET', '/api/contract/callback?code=abc&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    expect(forged.headers.location).toBe('/contract?contract=error&code=STATE_INVALID')
  })

  it('a refused apply leaves a failed record, and the next attempt signs', async () => {
    const b = new Browser(built.app)
    await built.app.inject({
      method: 'POST',
      url: '/sandbox/unionpay/__control/contract/fail-next',
      payload: { api: 'contract.apply', resp: 'N62137', msg: '获取签约商户信息异常' },
    })
    const first = await signFlow(b, { planId: 'PLAN0002', openId: USER2.openId })
    expect(first.final).toBe('/contract?contract=error&code=UNIONPAY_N62137&planId=PLAN0002')
    const failed = (await b.request('GET', '/api/contract?planId=PLAN0002')).json()
    expect(failed.status).toBe('failed')
    expect(failed.contractId).toBeNull()
    expect(failed.failure).toContain('N62137')

    const second = await signFlow(b, { planId: 'PLAN0002', openId: USER2.openId })
    expect(second.final).toBe('/contract?contract=signed&planId=PLAN0002')
    expect((await b.request('GET', '/api/contract?planId=PLAN0002')).json().status).toBe('signed')
  })

  it('relieves in the H5, and a second relieve has nothing to do', async () => {
    const b = new Browser(built.app)
    await signFlow(b, { planId: 'PLAN0002' })
    const signed = (await b.request('GET', '/api/contract?planId=PLAN0002')).json()
    expect(signed.status).toBe('signed')

    const noSession = await built.app.inject({
      method: 'POST',
      url: '/api/contract/relieve',
      payload: { planId: 'PLAN0002' },
    })
    expect(noSession.statusCode).toBe(401)

    const res = await b.request('POST', '/api/contract/relieve', { planId: 'PLAN0002' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      planId: 'PLAN0002',
      status: 'relieved',
      relievedBy: 'user',
      contractId: signed.contractId,
    })
    expect(res.json().operateTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(sbx().contracts.get(signed.contractId)?.status).toBe('3')
    const info = (await b.request('GET', '/api/contract?planId=PLAN0002&info=1')).json()
    expect(info.status).toBe('relieved')
    expect(info.platform.contractStatus).toBe('relieved')

    const again = await b.request('POST', '/api/contract/relieve', { planId: 'PLAN0002' })
    expect(again.statusCode).toBe(404)
    expect(again.json().error.code).toBe('NO_CONTRACT')
  })

  it('contract.status: a number of unfinished orders; non-numeric is not owing', async () => {
    const b = new Browser(built.app)
    await signFlow(b)
    const zero = await b.request('GET', '/api/contract/status')
    expect(zero.json()).toEqual({ unfinishedOrders: 0, owing: false, raw: '0' })
    const set = (enable: string) =>
      built.app.inject({
        method: 'POST',
        url: '/sandbox/unionpay/__control/contract/unfinished',
        payload: { openId: USER.openId, enable },
      })
    await set('2')
    expect((await b.request('GET', '/api/contract/status')).json()).toEqual({
      unfinishedOrders: 2,
      owing: true,
      raw: '2',
    })
    await set('N/A')
    expect((await b.request('GET', '/api/contract/status')).json()).toEqual({
      unfinishedOrders: null,
      owing: false,
      raw: 'N/A',
    })
    await set('0')
    expect((await built.app.inject({ method: 'GET', url: '/api/contract/status' })).statusCode).toBe(401)
  })

  it('relieving from the 云闪付 side sends a signed notification that the server applies', async () => {
    const b = new Browser(built.app)
    await signFlow(b, { planId: 'PLAN0002', openId: USER2.openId })
    const signed = (await b.request('GET', '/api/contract?planId=PLAN0002')).json()
    expect(signed.status).toBe('signed')
    const res = await built.app.inject({
      method: 'POST',
      url: '/sandbox/unionpay/__control/contract/relieve',
      payload: { contractId: signed.contractId },
    })
    expect(res.json().notification.answer).toBe('{"resp":"00"}')
    expect(res.json().notification.params.openId).toBe(USER2.openId)
    const after = (await b.request('GET', '/api/contract?planId=PLAN0002')).json()
    expect(after).toMatchObject({ status: 'relieved', relievedBy: 'platform', contractId: signed.contractId })

    // POST (JSON) delivery of a repeat changes nothing and still answers 00
    const repeat = await built.app.inject({
      method: 'POST',
      url: '/sandbox/unionpay/__control/contract/relieve',
      payload: { contractId: signed.contractId, method: 'POST' },
    })
    expect(repeat.json().notification.answer).toBe('{"resp":"00"}')
    const repo = new ContractRepo(built.ctx.db)
    expect((await repo.events(signed.contractCode)).map((e) => `${e.to}:${e.source}`)).toEqual([
      'applying:apply',
      'signed:apply',
      'relieved:notify',
    ])
  })

  it('the sandbox 云闪付-side page relieves a contract and notifies; relieve without planId picks the signed one', async () => {
    const b = new Browser(built.app)
    await signFlow(b, { planId: 'PLAN0001', openId: USER2.openId })
    const signed = (await b.request('GET', '/api/contract?planId=PLAN0001')).json()
    expect(signed.status).toBe('signed')
    const page = await built.app.inject({ method: 'GET', url: '/sandbox/unionpay/__control/contract' })
    expect(page.body).toContain(signed.contractId)
    const form = await built.app.inject({
      method: 'POST',
      url: '/sandbox/unionpay/__control/contract/relieve-form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `contractId=${signed.contractId}`,
    })
    expect(form.statusCode).toBe(303)
    expect((await b.request('GET', '/api/contract?planId=PLAN0001')).json()).toMatchObject({
      status: 'relieved',
      relievedBy: 'platform',
    })

    await signFlow(b, { planId: 'PLAN0001', openId: USER2.openId })
    const res = await b.request('POST', '/api/contract/relieve')
    expect(res.json()).toMatchObject({ planId: 'PLAN0001', status: 'relieved', relievedBy: 'user' })
  })

  it('an app without the upapi_contract permission gets N62131 from every contract API; nothing changes locally', async () => {
    const b = new Browser(built.app)
    await signFlow(b, { planId: 'PLAN0002', openId: USER.openId })
    const signed = (await b.request('GET', '/api/contract?planId=PLAN0002')).json()
    expect(signed.status).toBe('signed')
    const permit = (permitted: boolean) =>
      built.app.inject({
        method: 'POST',
        url: '/sandbox/unionpay/__control/contract/permission',
        payload: { permitted },
      })
    await permit(false)
    try {
      const status = await b.request('GET', '/api/contract/status')
      expect(status.statusCode).toBe(403)
      expect(status.json().error.code).toBe('UNIONPAY_N62131')
      const info = await b.request('GET', '/api/contract?planId=PLAN0002&info=1')
      expect(info.json().error.code).toBe('UNIONPAY_N62131')
      const relieve = await b.request('POST', '/api/contract/relieve', { planId: 'PLAN0002' })
      expect(relieve.json().error.code).toBe('UNIONPAY_N62131')
    } finally {
      await permit(true)
    }
    expect((await b.request('GET', '/api/contract?planId=PLAN0002')).json()).toMatchObject({
      status: 'signed',
      contractId: signed.contractId,
    })
    await b.request('POST', '/api/contract/relieve', { planId: 'PLAN0002' })
  })

  it('the sandbox applies the real field rules', async () => {
    const token = await built.ctx.tokens.get('backend')
    const call = async (api: string, body: Record<string, unknown>) =>
      (await fetch(`${base}/sandbox/unionpay/open/access/1.0/${api}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId: SANDBOX_UNIONPAY.appId, backendToken: token, ...body }),
      }).then((r) => r.json())) as { resp: string; params: Record<string, string> }
    expect((await call('contract.apply', { accessToken: 'x', openId: USER.openId, planId: 'PLAN0001' })).resp).toBe(
      'N62113',
    )
    expect((await call('contract.apply', { accessToken: 'x', openId: USER.openId, contractCode: '1' })).resp).toBe(
      'N62114',
    )
    expect((await call('contract.relieve', { openId: USER.openId, planId: 'PLAN0001', contractCode: '1' })).resp).toBe(
      'N62115',
    )
    expect((await call('contract.info', { openId: USER.openId })).resp).toBe('N62114')
    expect((await call('contract.status', {})).resp).toBe('N62110')
    expect((await call('contract.status', { openId: USER.openId, backendToken: 'stale' })).resp).toBe('a10')

    // an accessToken of another scope may not sign
    const sandbox = built.sandbox!.unionpay
    const code = sandbox.issueCode({ openId: USER.openId, scope: 'upapi_base', redirectUri: `${base}/x` })
    const t = sandbox.issueAccessToken(sandbox.useCode(code.code)!)
    const wrongScope = await call('contract.apply', {
      accessToken: t.accessToken,
      openId: USER.openId,
      planId: 'PLAN0001',
      contractCode: '99',
    })
    expect(wrongScope.resp).toBe('N62131')

    const info = await call('contract.info', { openId: 'nobody', planId: 'PLAN0001' })
    expect(info).toMatchObject({ resp: '00', params: { contractId: '', contractStatus: '' } })
  })

  it('a crash between contract.apply and storing its answer leaves a record that is reconciled, not signed twice', async () => {
    const openId = USER2.openId
    const planId = 'PLAN0001'
    const repo = new ContractRepo(built.ctx.db, built.ctx.clock)
    const api = new ContractApi({ client: built.ctx.unionpay, tokens: built.ctx.tokens, appId: SANDBOX_UNIONPAY.appId })
    // an accessToken as the callback would have it, from a code the user agreed to on the sign page
    const sandbox = built.sandbox!.unionpay
    const grant = () => {
      const code = sandbox.issueCode({
        openId,
        scope: 'upapi_contract',
        planId,
        redirectUri: `${base}/api/contract/callback`,
      })
      return sandbox.issueAccessToken(sandbox.useCode(code.code)!).accessToken
    }
    const crashing = new ContractService({
      repo,
      api,
      appId: SANDBOX_UNIONPAY.appId,
      afterApply: () => {
        throw new Error('simulated crash')
      },
    })
    const before = applyCalls()
    await expect(crashing.sign({ openId, accessToken: grant(), planId })).rejects.toThrow('simulated crash')
    expect(applyCalls()).toBe(before + 1)
    const pending = await repo.active(SANDBOX_UNIONPAY.appId, openId, planId)
    expect(pending?.status).toBe('applying')
    expect(pending?.contractId).toBeNull()
    const platformSide = sbx().find(openId, planId, '1')
    expect(platformSide?.contractCodes).toEqual([pending?.contractCode])

    // while the attempt's lease runs, another attempt is told to wait
    const restarted = new ContractService({ repo, api, appId: SANDBOX_UNIONPAY.appId })
    await expect(restarted.sign({ openId, accessToken: grant(), planId })).rejects.toMatchObject({
      code: 'CONTRACT_BUSY',
    })

    // after the lease (a restarted server, later), the next attempt reconciles with contract.info
    const laterClock = () => Date.now() + 60_000
    const later = new ContractService({
      repo: new ContractRepo(built.ctx.db, laterClock),
      api,
      appId: SANDBOX_UNIONPAY.appId,
      clock: laterClock,
    })
    const outcome = await later.sign({ openId, accessToken: grant(), planId })
    expect(outcome.kind).toBe('reconciled')
    expect(outcome.record).toMatchObject({
      status: 'signed',
      contractId: platformSide?.contractId,
      contractCode: pending?.contractCode,
    })
    expect(applyCalls()).toBe(before + 1)
    expect((await repo.events(pending!.contractCode)).map((e) => `${e.to}:${e.source}`)).toEqual([
      'applying:apply',
      'signed:reconcile',
    ])
  })

  it('a read settles a stale attempt the platform never signed', async () => {
    const repo = new ContractRepo(built.ctx.db, built.ctx.clock)
    const openId = 'sandbox-user-that-never-signed'
    await repo.startApply({
      appId: SANDBOX_UNIONPAY.appId,
      openId,
      planId: 'PLAN0002',
      contractCode: '1234',
      leaseMs: 0,
    })
    const api = new ContractApi({ client: built.ctx.unionpay, tokens: built.ctx.tokens, appId: SANDBOX_UNIONPAY.appId })
    const service = new ContractService({ repo, api, appId: SANDBOX_UNIONPAY.appId })
    const { record } = await service.view(openId, 'PLAN0002', false)
    expect(record?.status).toBe('failed')
    expect(await repo.active(SANDBOX_UNIONPAY.appId, openId, 'PLAN0002')).toBeNull()
  })

  it('the background sweep settles attempts left behind by a crash without any user action', async () => {
    const repo = new ContractRepo(built.ctx.db, built.ctx.clock)
    const api = new ContractApi({ client: built.ctx.unionpay, tokens: built.ctx.tokens, appId: SANDBOX_UNIONPAY.appId })
    await repo.startApply({
      appId: SANDBOX_UNIONPAY.appId,
      openId: 'swept-user-1',
      planId: 'PLAN0001',
      contractCode: '5678',
      leaseMs: 0,
    })
    await repo.startApply({
      appId: SANDBOX_UNIONPAY.appId,
      openId: 'swept-user-2',
      planId: 'PLAN0002',
      contractCode: '5679',
      leaseMs: 60_000,
    })
    const service = new ContractService({ repo, api, appId: SANDBOX_UNIONPAY.appId })
    expect(await service.sweepStale()).toBeGreaterThanOrEqual(1)
    expect((await repo.byCode('5678'))?.status).toBe('failed')
    // an attempt whose lease still runs is left to its owner
    expect((await repo.byCode('5679'))?.status).toBe('applying')
  })

  it('a callback for another user than the signed-in one is refused and keeps the session', async () => {
    const b = new Browser(built.app)
    const first = await signFlow(b, { planId: 'PLAN0001', openId: USER.openId })
    expect(first.final).toContain('contract=signed')
    const session = b.cookies.get('upkit_sid')
    expect(session).toBeDefined()
    const other = await signFlow(b, { planId: 'PLAN0002', openId: USER2.openId })
    expect(other.final).toContain('contract=error')
    expect(other.final).toContain('code=USER_MISMATCH')
    expect(b.cookies.get('upkit_sid')).toBe(session)
    const rows = await built.ctx.db
      .selectFrom('contracts')
      .select('contract_code')
      .where('open_id', '=', USER2.openId)
      .where('plan_id', '=', 'PLAN0002')
      .where('status', '=', 'signed')
      .execute()
    expect(rows).toHaveLength(0)
    const me = await b.request('GET', '/api/contract?planId=PLAN0001')
    expect(me.json().status).toBe('signed')
  })

  it('in sandbox mode the sign page preselects the logged-in user', async () => {
    const b = new Browser(built.app)
    await signFlow(b, { planId: 'PLAN0001', openId: USER2.openId })
    const auth = await b.request('GET', '/api/contract/authorize?planId=PLAN0002')
    const signPage = new URL(auth.headers.location as string)
    expect(signPage.searchParams.get('sandboxOpenId')).toBe(USER2.openId)
    const page = await b.request('GET', pathOf(signPage.toString()))
    expect(page.body).toContain(`value="${USER2.openId}" checked`)
    expect(page.body).not.toContain(`value="${USER.openId}" checked`)
  })
})

describe('contracts survive a restart', () => {
  it('a contract signed before the restart is still there, with the same session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-contract-'))
    const url = `sqlite:${join(dir, 'upkit.db')}`
    const start = () => startTestServer({ DATABASE_URL: url })
    try {
      const first = await start()
      const b = new Browser(first.app)
      const auth = await b.request('GET', '/api/contract/authorize?planId=PLAN0001')
      const signPage = new URL(auth.headers.location as string)
      const agreed = await b.request('POST', signPage.pathname, {
        ...Object.fromEntries(signPage.searchParams),
        openId: USER.openId,
        action: 'agree',
      })
      const done = await b.request('GET', pathOf(agreed.headers.location as string))
      expect(done.headers.location).toBe('/contract?contract=signed&planId=PLAN0001')
      const before = (await b.request('GET', '/api/contract?planId=PLAN0001')).json()
      expect(before.status).toBe('signed')
      await first.app.close()

      const second = await start()
      const after = await second.app.inject({
        method: 'GET',
        url: '/api/contract?planId=PLAN0001',
        headers: { cookie: b.cookieHeader },
      })
      expect(after.statusCode).toBe(200)
      expect(after.json()).toMatchObject({
        status: 'signed',
        contractId: before.contractId,
        contractCode: before.contractCode,
      })
      expect((await new ContractRepo(second.ctx.db).events(before.contractCode)).map((e) => e.to)).toEqual([
        'applying',
        'signed',
      ])
      await second.app.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
