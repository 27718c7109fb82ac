import fastifyFormbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadCertificate, loadPkcs12 } from '../../acp/certs.ts'
import { AcpClient } from '../../acp/client.ts'
import { EncryptCerts } from '../../acp/encrypt.ts'
import { parseAnswer } from '../../acp/message.ts'
import { AcpVerifier } from '../../acp/verify.ts'
import { sandboxDecrypt } from './crypto.ts'
import { registerAcpGateway } from './gateway.ts'
import { sandboxAcpPki } from './pki.ts'
import { AcpSandboxState } from './state.ts'

// The merchant side is the production client (server/acp); the gateway uses only its own code.
let app: FastifyInstance
let base: string
let sandbox: { state: AcpSandboxState }
let client: AcpClient
let encryptCerts: EncryptCerts
const active = new Set(['CONTRACT0001'])
const notes: Record<string, string>[] = []
let notifyStatus = 200
let seq = 0
const orderId = () => `T${Date.now()}${String(++seq).padStart(4, '0')}`

beforeAll(async () => {
  app = Fastify()
  await app.register(fastifyFormbody)
  sandbox = { state: new AcpSandboxState(sandboxAcpPki(), Date.now) }
  await app.register(
    async (s) => void registerAcpGateway(s, { state: sandbox.state, contractActive: (id) => active.has(id) }),
    { prefix: '/acp' },
  )
  app.post('/notify', async (req, reply) => {
    notes.push(req.body as Record<string, string>)
    return reply.status(notifyStatus).send('ok')
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  const pki = sandboxAcpPki()
  const trust = { root: loadCertificate(Buffer.from(pki.rootPem)), middle: loadCertificate(Buffer.from(pki.middlePem)) }
  encryptCerts = new EncryptCerts(loadCertificate(Buffer.from(pki.initialEncrypt.certPem)))
  client = new AcpClient({
    baseUrl: `${base}/acp`,
    merId: sandbox.state.merId,
    identity: loadPkcs12(Buffer.from(pki.merchantPfxBase64, 'base64'), pki.merchantPfxPassword),
    verifier: new AcpVerifier(trust, { allowTestCn: false, clock: Date.now }),
    encryptCerts,
    timeoutMs: 5000,
    clock: Date.now,
  })
})
afterAll(async () => app.close())
beforeEach(() => {
  notes.length = 0
  notifyStatus = 200
})

const backUrl = () => `${base}/notify`
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('sandbox 全渠道 gateway', () => {
  it('appTransReq answers a tn in a raw (not url-encoded) answer that the client verifies', async () => {
    const a = await client.appConsume({
      orderId: orderId(),
      txnTime: client.txnTime(),
      txnAmt: 1000,
      backUrl: backUrl(),
    })
    expect(a.outcome).toBe('success')
    expect(a.fields.tn).toMatch(/^\d{21}$/)
    expect(a.fields.signPubKeyCert).toContain('-----BEGIN CERTIFICATE-----')
  })

  it('validates fields: orderId, amount in fen, txnTime freshness, duplicates per merchant per day', async () => {
    const t = client.txnTime()
    expect((await client.appConsume({ orderId: 'short', txnTime: t, txnAmt: 1, backUrl: backUrl() })).respCode).toBe(
      '10',
    )
    expect((await client.appConsume({ orderId: orderId(), txnTime: t, txnAmt: 0, backUrl: backUrl() })).respCode).toBe(
      '10',
    )
    expect(
      (await client.appConsume({ orderId: orderId(), txnTime: '20200101000000', txnAmt: 1, backUrl: backUrl() }))
        .respCode,
    ).toBe('10')
    const id = orderId()
    expect((await client.appConsume({ orderId: id, txnTime: t, txnAmt: 1, backUrl: backUrl() })).respCode).toBe('00')
    const dup = await client.appConsume({ orderId: id, txnTime: t, txnAmt: 1, backUrl: backUrl() })
    expect(dup.respCode).toBe('12')
    expect(dup.outcome).toBe('refused')
  })

  it('refuses a tampered request (11) with its own verification', async () => {
    const signed = client.sign({
      txnType: '01',
      txnSubType: '01',
      bizType: '000201',
      channelType: '08',
      orderId: orderId(),
      txnTime: client.txnTime(),
      txnAmt: '100',
      currencyCode: '156',
      backUrl: backUrl(),
    })
    const res = await fetch(`${base}/acp/gateway/api/appTransReq.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...signed, txnAmt: '1' }).toString(),
    })
    expect(parseAnswer(await res.text()).respCode).toBe('11')
  })

  it('contract consume: unknown contract 40; signed contract 00 + a signed notification; insufficient funds 64', async () => {
    expect(
      (
        await client.contractConsume({
          orderId: orderId(),
          txnTime: client.txnTime(),
          txnAmt: 500,
          backUrl: backUrl(),
          contractId: 'NOPE',
        })
      ).respCode,
    ).toBe('40')
    const id = orderId()
    const a = await client.contractConsume({
      orderId: id,
      txnTime: client.txnTime(),
      txnAmt: 500,
      backUrl: backUrl(),
      contractId: 'CONTRACT0001',
    })
    expect(a.respCode).toBe('00')
    await until(() => notes.length > 0)
    expect(notes[0]).toMatchObject({ orderId: id, respCode: '00', txnAmt: '500' })
    const verifier = new AcpVerifier(
      {
        root: loadCertificate(Buffer.from(sandboxAcpPki().rootPem)),
        middle: loadCertificate(Buffer.from(sandboxAcpPki().middlePem)),
      },
      { allowTestCn: false, clock: Date.now },
    )
    expect(verifier.verify(notes[0]!)).toEqual({ ok: true })
    sandbox.state.next.push('insufficient')
    const poor = await client.contractConsume({
      orderId: orderId(),
      txnTime: client.txnTime(),
      txnAmt: 500,
      backUrl: backUrl(),
      contractId: 'CONTRACT0001',
    })
    expect([poor.respCode, poor.outcome]).toEqual(['64', 'refused'])
  })

  it('unknown outcome (03) → the query answers the original outcome in origRespCode', async () => {
    sandbox.state.next.push('unknown')
    const ref = { orderId: orderId(), txnTime: client.txnTime() }
    const a = await client.contractConsume({ ...ref, txnAmt: 300, backUrl: backUrl(), contractId: 'CONTRACT0001' })
    expect(a.outcome).toBe('unknown')
    const q = await client.query(ref)
    expect(q.fields.origRespCode).toBe('00')
    expect(q.fields.queryId).toMatch(/^\d{21}$/)
    expect((await client.query({ orderId: orderId(), txnTime: client.txnTime() })).respCode).toBe('34')
    expect(notes).toHaveLength(0)
  })

  it('void: same day, full amount, once; refund: partial, repeated, capped', async () => {
    const pay = async (amt: number) => {
      const ref = { orderId: orderId(), txnTime: client.txnTime() }
      await client.contractConsume({ ...ref, txnAmt: amt, backUrl: backUrl(), contractId: 'CONTRACT0001' })
      return (await client.query(ref)).fields.queryId!
    }
    const q1 = await pay(1000)
    const v = (amt: number, q: string) =>
      client.voidConsume({
        orderId: orderId(),
        txnTime: client.txnTime(),
        txnAmt: amt,
        origQryId: q,
        backUrl: backUrl(),
      })
    const r = (amt: number, q: string) =>
      client.refund({ orderId: orderId(), txnTime: client.txnTime(), txnAmt: amt, origQryId: q, backUrl: backUrl() })
    expect((await v(999, q1)).respCode).toBe('36')
    expect((await v(1000, q1)).respCode).toBe('00')
    expect((await v(1000, q1)).respCode).toBe('45')
    expect((await r(1, q1)).respCode).toBe('45')
    const q2 = await pay(1000)
    expect((await r(400, q2)).respCode).toBe('00')
    expect((await r(600, q2)).respCode).toBe('00')
    expect((await r(1, q2)).respCode).toBe('36')
    expect((await v(1000, q2)).respCode).toBe('35')
    expect((await r(1, '123456789012345678901')).respCode).toBe('35')
  })

  it('retries a notification until the merchant answers 200', async () => {
    notifyStatus = 500
    const id = orderId()
    await client.contractConsume({
      orderId: id,
      txnTime: client.txnTime(),
      txnAmt: 100,
      backUrl: backUrl(),
      contractId: 'CONTRACT0001',
    })
    await until(() => notes.length === 1)
    notifyStatus = 200
    await fetch(`${base}/acp/__control/notify/flush`, { method: 'POST' })
    expect(notes.filter((n) => n.orderId === id)).toHaveLength(2)
    const txn = sandbox.state.txns.get([...sandbox.state.txns.keys()].find((k) => k.endsWith(id))!)!
    expect(txn.notified).toBe(true)
  })

  it('95 answers the encryption certificate; rotation keeps the old one accepted in the overlap; round trip with the sandbox key', async () => {
    const a = await client.encryptCertQuery({ orderId: orderId(), txnTime: client.txnTime() })
    expect(a.fields.encryptPubKeyCert).toBe(sandbox.state.currentEncrypt().certPem)
    const enc = client.encrypt('6216261000000000018')
    expect(sandboxDecrypt(enc.value, sandbox.state.currentEncrypt().keyPem)).toBe('6216261000000000018')
    const consumeWith = (e: { value: string; encryptCertId: string }) =>
      client.call('/gateway/api/backTransReq.do', {
        txnType: '01',
        txnSubType: '01',
        bizType: '000902',
        channelType: '08',
        tokenPayData: '{token=CONTRACT0001}',
        orderId: orderId(),
        txnTime: client.txnTime(),
        txnAmt: '1',
        currencyCode: '156',
        backUrl: backUrl(),
        accNo: e.value,
        encryptCertId: e.encryptCertId,
      })
    const old = sandbox.state.currentEncrypt().certId
    await fetch(`${base}/acp/__control/rotate-encrypt-cert`, { method: 'POST' })
    expect(sandbox.state.currentEncrypt().certId).not.toBe(old)
    expect((await consumeWith(enc)).respCode).toBe('00')
    const fresh = await client.encryptCertQuery({ orderId: orderId(), txnTime: client.txnTime() })
    expect(encryptCerts.adopt(loadCertificate(Buffer.from(fresh.fields.encryptPubKeyCert!)))).toBe(true)
    const enc2 = client.encrypt('6216261000000000018')
    expect(enc2.encryptCertId).toBe(sandbox.state.currentEncrypt().certId)
    expect((await consumeWith(enc2)).respCode).toBe('00')
    expect((await consumeWith({ value: enc2.value, encryptCertId: '1' })).respCode).toBe('10')
  })
})
