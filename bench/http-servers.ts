/**
 * One server per process for the signing-route comparison, chosen by argv[2]; prints its port on
 * stdout as `PORT <n>` and serves until killed:
 * - `bare`: node:http answering constant JSON (the ceiling);
 * - `fastify`: a minimal fastify doing the same signing as upkit, nothing else;
 * - `upkit`: the whole upkit server (sandbox, every hook: security headers, rate limit, CSRF, logging at info to /dev/null),
 *   on the Redis at REDIS_URL when that is set;
 * - `express-wechat`: express + wechat-jssdk signing the same way for WeChat (its access-token and
 *   ticket URLs point at a fake in this process, so nothing leaves the machine; it caches one
 *   signature per URL, as it does in use).
 */
import { createServer, type Server } from 'node:http'
import { createWriteStream, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import express from 'express'
import Fastify from 'fastify'
import { signUpsdkConfig, normaliseSignedUrl } from '../server/unionpay/upsdk-config.ts'
import { startTestServer } from '../server/test/harness.ts'

const APP_ID = 'a5949221470c4059b9b0b45a90c81527'
const FRONT_TOKEN = 'U72eJp21SkuzKRdUK+jyFw=='
const kind = process.argv[2]

const portOf = (server: Server) => {
  const addr = server.address()
  return typeof addr === 'object' && addr ? addr.port : 0
}
const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve(portOf(server))))

/** The part of wechat-jssdk (no typings of its own) the baseline uses. */
interface WechatJssdk {
  Wechat: new (options: Record<string, unknown>) => {
    jssdk: { getSignature(url: string): Promise<Record<string, string>> }
  }
}
/** Requests that reached a fake upstream (express-wechat), printed on exit as `UPSTREAM <n>`. */
let upstreamCalls: number | undefined
// a clean exit, so that `--cpu-prof` writes its profile
process.on('SIGTERM', () => {
  if (upstreamCalls !== undefined) process.stdout.write(`UPSTREAM ${upstreamCalls}\n`, () => process.exit(0))
  else process.exit(0)
})

if (kind === 'bare') {
  const body = JSON.stringify({
    appId: APP_ID,
    timestamp: '1414587457',
    nonceStr: 'Wm3WZYTPz0wzccnW',
    signature: 'x'.repeat(64),
  })
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
  })
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address()
    console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`)
  })
} else if (kind === 'fastify') {
  const app = Fastify({ logger: false })
  app.post('/api/upsdk/config', async (req) => {
    const url = normaliseSignedUrl((req.body as { url?: unknown }).url, [`http://${req.headers.host ?? ''}`])
    return signUpsdkConfig(APP_ID, FRONT_TOKEN, url)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  console.log(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}`)
} else if (kind === 'upkit') {
  const server = await startTestServer(
    // REDIS_URL: tokens and the rate-limit counts shared through that Redis, as with several instances
    { LOG_LEVEL: 'info', ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) },
    { rateLimitPerMinute: 100_000_000, logStream: createWriteStream('/dev/null') },
  )
  await server.ctx.tokens.get('front')
  console.log(`PORT ${server.port}`)
} else if (kind === 'express-wechat') {
  // WeChat's token and ticket endpoints, answered locally; the count shows nothing else was asked
  upstreamCalls = 0
  const fake = createServer((req, res) => {
    upstreamCalls = (upstreamCalls ?? 0) + 1
    const path = (req.url ?? '').split('?')[0]
    const body =
      path === '/cgi-bin/token'
        ? { access_token: 'fake-access-token', expires_in: 7200 }
        : { errcode: 0, errmsg: 'ok', ticket: 'fake-jsapi-ticket', expires_in: 7200 }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  })
  const fakeBase = `http://127.0.0.1:${await listen(fake)}`
  const { Wechat } = createRequire(import.meta.url)('wechat-jssdk') as WechatJssdk
  const wx = new Wechat({
    appId: 'wx0000000000000000',
    appSecret: 'bench-secret',
    wechatRedirectUrl: 'http://127.0.0.1/oauth',
    accessTokenUrl: `${fakeBase}/cgi-bin/token`,
    ticketUrl: `${fakeBase}/cgi-bin/ticket/getticket`,
    // its default store is a JSON file in the working directory: a fresh one per run instead
    storeOptions: { fileStorePath: join(mkdtempSync(join(tmpdir(), 'bench-wechat-')), 'wechat-info.json') },
  })
  const app = express()
  app.use(express.json())
  app.post('/api/upsdk/config', (req, res, next) => {
    const url = (req.body as { url?: unknown } | undefined)?.url
    if (typeof url !== 'string') {
      res.status(400).json({ error: 'url' })
      return
    }
    wx.jssdk.getSignature(url).then((sig) => res.json(sig), next)
  })
  const server = createServer(app)
  console.log(`PORT ${await listen(server)}`)
} else {
  console.error(`unknown server kind ${kind ?? ''}`)
  process.exit(2)
}
