/**
 * Run by oauth-logs.test.ts in a child process: logs in with upapi_auth through the sandbox and
 * reads the mobile number and identity with LOG_LEVEL=trace, so the parent can search every log
 * line (pino writes straight to fd 1) for the personal data. Prints the answers on stderr.
 */
import { startTestServer } from '../test/harness.ts'

const { app } = await startTestServer({ LOG_LEVEL: 'trace' })

const UA = 'Mozilla/5.0 (Linux; Android 13) Mobile (com.unionpay.chsp)'
const jar = new Map<string, string>()
async function request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
  const u = new URL(url, 'http://x')
  const res = await app.inject({
    method,
    url: `${u.pathname}${u.search}`,
    headers: {
      'user-agent': UA,
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
  })
  for (const c of res.cookies) jar.set(c.name, c.value)
  return res
}

const authorize = await request('GET', '/api/oauth/authorize?scope=upapi_auth&redirect=/profile')
const page = new URL(authorize.headers.location as string)
const q = page.searchParams
const decided = await request('POST', '/sandbox/unionpay/s/open/oauth/decide', {
  kind: 'inapp',
  appId: q.get('appId') ?? '',
  redirectUri: q.get('redirectUri') ?? '',
  responseType: 'code',
  scope: q.get('scope') ?? '',
  state: q.get('state') ?? '',
  user: '0',
  decision: 'agree',
  shareMobile: '1',
})
const callback = await request('GET', decided.headers.location as string)
const mobile = await request('POST', '/api/me/mobile')
const identity = await request('POST', '/api/me/identity')
await app.close()
process.stderr.write(
  `${JSON.stringify({ callback: callback.statusCode, location: callback.headers.location, mobile: mobile.json(), identity: identity.json() })}\n`,
)
