import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test/harness.ts'
import { LEAVE_SCRIPT, LEAVE_SCRIPT_TAG } from './leave.ts'
import { answerCode } from './traffic.ts'

const IN_APP_UA = 'Mozilla/5.0 (Linux; Android 14) (com.unionpay.chsp) (cordova 4.5.4)'

describe('sandbox pages: left with location.replace, traffic in the console', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(async () => s.close())

  async function consent() {
    const a = await s.app.inject({
      method: 'GET',
      url: '/api/oauth/authorize?scope=upapi_mobile&redirect=/profile',
      headers: { 'user-agent': IN_APP_UA },
    })
    const url = new URL(String(a.headers.location))
    const page = await s.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` })
    return { q: url.searchParams, page }
  }

  it('the consent page carries the script, and its CSP allows exactly that script', async () => {
    const { page } = await consent()
    expect(page.body).toContain(LEAVE_SCRIPT_TAG)
    expect(page.body).toContain('data-leave')
    const hash = createHash('sha256').update(LEAVE_SCRIPT).digest('base64')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain(`script-src 'sha256-${hash}'`)
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/)
  })

  it('a script-sent answer gets the redirect as JSON; a plain form post still gets the 303', async () => {
    const form = async (leave: boolean) => {
      const { q } = await consent()
      const body = new URLSearchParams({
        kind: 'inapp',
        appId: q.get('appId') ?? '',
        redirectUri: q.get('redirectUri') ?? '',
        responseType: 'code',
        scope: q.get('scope') ?? '',
        state: q.get('state') ?? '',
        user: '0',
        decision: 'agree',
      })
      return s.app.inject({
        method: 'POST',
        url: '/sandbox/unionpay/s/open/oauth/decide',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(leave ? { 'x-sandbox-leave': 'replace' } : {}),
        },
        payload: body.toString(),
      })
    }
    const scripted = await form(true)
    expect(scripted.statusCode).toBe(200)
    expect(scripted.headers.location).toBeUndefined()
    expect(scripted.json<{ next: string }>().next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/oauth\/callback\?code=/)
    const plain = await form(false)
    expect(plain.statusCode).toBe(303)
    expect(String(plain.headers.location)).toContain('/api/oauth/callback?code=')
  })

  it('records every platform call with its code, the failures with their message, signatures shortened', async () => {
    const before = s.sandbox?.traffic.records.length ?? 0
    await s.app.inject({
      method: 'POST',
      url: '/sandbox/chinaums/v1/netpay/query',
      headers: {
        'content-type': 'application/json',
        authorization: 'OPEN-BODY-SIG AppId="a", Signature="abcdefghijklmnop"',
      },
      payload: '{}',
    })
    const r = s.sandbox?.traffic.records.slice(before).find((x) => x.path === '/chinaums/v1/netpay/query')
    expect(r).toMatchObject({ platform: 'chinaums', ok: false })
    expect(r?.message).not.toBe('')
    expect(r?.headers.authorization).toBe('OPEN-BODY-SIG AppId="a", Signature="abcdefgh…"')
    const console = await s.app.inject({ method: 'GET', url: '/sandbox/' })
    expect(console.headers.refresh).toBe('5')
    expect(console.body).toContain('/chinaums/v1/netpay/query')
    expect((await s.app.inject({ method: 'GET', url: '/sandbox/?refresh=0' })).headers.refresh).toBeUndefined()
  })

  it('reads the three platforms’ answer codes', () => {
    expect(answerCode('{"resp":"N62131","msg":"无权限"}')).toEqual({ code: 'N62131', message: '无权限' })
    expect(answerCode('{"errCode":"NO_ORDER","errMsg":"找不到订单"}')).toEqual({
      code: 'NO_ORDER',
      message: '找不到订单',
    })
    expect(answerCode('version=5.1.0&respCode=12&respMsg=%E9%87%8D%E5%A4%8D')).toEqual({ code: '12', message: '重复' })
    expect(answerCode('<html>')).toEqual({ code: '', message: '' })
  })
})
