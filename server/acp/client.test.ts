import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxAcpPki } from '../sandbox/acp/pki.ts'
import { loadCertificate, loadPkcs12 } from './certs.ts'
import { AcpClient, AcpError } from './client.ts'
import { EncryptCerts } from './encrypt.ts'
import { verifyFields } from './sign.ts'
import { AcpVerifier } from './verify.ts'

// The transport of the 全渠道 client against a real local server answering what a gateway (or
// something in its place) could; the signed happy path runs against the sandbox gateway
// (server/sandbox/acp/gateway.test.ts).
let server: Server
let base: string
let lastRequest: { contentType: string | undefined; body: string } | undefined
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      lastRequest = { contentType: req.headers['content-type'], body }
      switch (req.url) {
        case '/slow':
          return void setTimeout(() => res.end('respCode=00'), 2000)
        case '/error':
          return void res.writeHead(500).end('<html>error</html>')
        case '/big':
          return void res.end(`respCode=00&fileContent=${'A'.repeat(4096)}`)
        case '/garbled':
          return void res.end('respCode=00&tn={never closed')
        default:
          return void res.end('respCode=00&respMsg=ok&signMethod=01') // unsigned
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const pki = sandboxAcpPki()
const identity = loadPkcs12(Buffer.from(pki.merchantPfxBase64, 'base64'), pki.merchantPfxPassword)
const client = (timeoutMs = 1000) =>
  new AcpClient({
    baseUrl: base,
    merId: '777290058110048',
    identity,
    verifier: new AcpVerifier(
      { root: loadCertificate(Buffer.from(pki.rootPem)), middle: loadCertificate(Buffer.from(pki.middlePem)) },
      { allowTestCn: false, clock: Date.now },
    ),
    encryptCerts: new EncryptCerts(loadCertificate(Buffer.from(pki.initialEncrypt.certPem))),
    timeoutMs,
    clock: Date.now,
  })
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof AcpError ? { kind: e.kind, message: e.message, outcome: e.outcome } : e),
  )

describe('AcpClient transport', () => {
  it('posts the signed fields form-encoded', async () => {
    await errorOf(client().post(`${base}/`, { txnType: '00', orderId: 'ORDER0001' }))
    expect(lastRequest?.contentType).toBe('application/x-www-form-urlencoded; charset=UTF-8')
    const sent = Object.fromEntries(new URLSearchParams(lastRequest?.body ?? ''))
    expect(sent).toMatchObject({ version: '5.1.0', merId: '777290058110048', txnType: '00', orderId: 'ORDER0001' })
    expect(verifyFields(sent, identity.certificate.publicKey)).toBe(true)
  })

  it.each([
    ['a timeout', '/slow', 100, { kind: 'timeout', message: '全渠道 did not answer within 100 ms' }],
    ['a non-200 answer', '/error', 1000, { kind: 'http', message: '全渠道 answered HTTP 500' }],
    ['an unparsable answer', '/garbled', 1000, { kind: 'malformed' }],
    ['an unsigned answer', '/', 1000, { kind: 'unverified', message: 'answer not verified: no signPubKeyCert' }],
  ])('%s is an AcpError of unknown outcome', async (_what, path, timeoutMs, expected) => {
    expect(await errorOf(client(timeoutMs).post(`${base}${path}`, { txnType: '00' }))).toMatchObject({
      ...expected,
      outcome: 'unknown',
    })
  })

  it('an unreachable gateway is a network error', async () => {
    expect(await errorOf(client().post('http://127.0.0.1:1/', { txnType: '00' }))).toEqual({
      kind: 'network',
      message: '全渠道 unreachable',
      outcome: 'unknown',
    })
  })

  it('refuses an answer over its size limit (1 MiB unless the call allows more)', async () => {
    expect(await errorOf(client().post(`${base}/big`, { txnType: '76' }, { maxReplyBytes: 1024 }))).toMatchObject({
      kind: 'malformed',
      message: '全渠道 answered over 1024 bytes (HTTP 200)',
    })
    // the default limit lets it through, to the signature check
    expect(await errorOf(client().post(`${base}/big`, { txnType: '76' }))).toMatchObject({ kind: 'unverified' })
  })
})
