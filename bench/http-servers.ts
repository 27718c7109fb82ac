/**
 * One server per process for the signing-route comparison, chosen by argv[2]; prints its port on
 * stdout as `PORT <n>` and serves until killed:
 * - `bare`: node:http answering constant JSON (the ceiling);
 * - `fastify`: a minimal fastify doing the same signing as upkit, nothing else;
 * - `upkit`: the whole upkit server (sandbox, every hook: security headers, rate limit, CSRF, logging at info to /dev/null).
 */
import { createServer } from 'node:http'
import { createWriteStream } from 'node:fs'
import Fastify from 'fastify'
import { signUpsdkConfig, normaliseSignedUrl } from '../server/unionpay/upsdk-config.ts'
import { startTestServer } from '../server/test/harness.ts'

const APP_ID = 'a5949221470c4059b9b0b45a90c81527'
const FRONT_TOKEN = 'U72eJp21SkuzKRdUK+jyFw=='
const kind = process.argv[2]
// a clean exit, so that `--cpu-prof` writes its profile
process.on('SIGTERM', () => process.exit(0))

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
    { LOG_LEVEL: 'info' },
    { rateLimitPerMinute: 100_000_000, logStream: createWriteStream('/dev/null') },
  )
  await server.ctx.tokens.get('front')
  console.log(`PORT ${server.port}`)
} else {
  console.error(`unknown server kind ${kind ?? ''}`)
  process.exit(2)
}
