import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test/harness.ts'
import type { AcpService } from './service.ts'

// 加密公钥更新查询 (95) through the service, against the sandbox gateway over HTTP: what the
// 无跳转 transactions (card number, phone, CVN2 in customerInfo) rely on to encrypt with a key
// the gateway still accepts.
let s: TestServer
let now = Date.now()
let acp: AcpService
let n = 0

beforeAll(async () => {
  s = await startTestServer({}, { clock: () => now })
  acp = s.acp!
}, 60_000)
afterAll(async () => s.close())

/** A back-end transaction carrying an encrypted card number: the gateway decrypts it with the key `encryptCertId` names. */
const sendEncrypted = (e: { value: string; encryptCertId: string }) =>
  acp.client.call('/gateway/api/backTransReq.do', {
    txnType: '01',
    txnSubType: '01',
    bizType: '000902',
    channelType: '08',
    tokenPayData: '{token=NOSUCHCONTRACT}',
    orderId: `ENC${now}${++n}`,
    txnTime: acp.client.txnTime(),
    txnAmt: '1',
    currencyCode: '156',
    backUrl: `${s.baseUrl}/notify/unionpay/acp`,
    accNo: e.value,
    encryptCertId: e.encryptCertId,
  })
// 40 = the contract check, reached only once the encrypted field was accepted; 10 = refused key.
const ACCEPTED = '40'

describe('encryption certificate update (95)', () => {
  it('keeps the current certificate when the gateway has no newer one', async () => {
    const before = acp.client.encrypt('6216261000000000018').encryptCertId
    expect(await acp.refreshEncryptCert()).toBe(false)
    expect(acp.client.encrypt('6216261000000000018').encryptCertId).toBe(before)
  })

  it('adopts the rotated certificate; the old key works through the one-month overlap, then is refused', async () => {
    const old = acp.client.encrypt('6216261000000000018')
    await fetch(`${s.baseUrl}/sandbox/acp/__control/rotate-encrypt-cert`, { method: 'POST' })
    expect((await sendEncrypted(old)).respCode).toBe(ACCEPTED)
    expect(await acp.refreshEncryptCert()).toBe(true)
    const fresh = acp.client.encrypt('6216261000000000018')
    expect(fresh.encryptCertId).not.toBe(old.encryptCertId)
    expect(fresh.encryptCertId).toBe(s.sandbox!.acp.currentEncrypt().certId)
    expect((await sendEncrypted(fresh)).respCode).toBe(ACCEPTED)
    expect(await acp.refreshEncryptCert()).toBe(false)

    now += 31 * 24 * 3600_000
    const late = await sendEncrypted(old)
    expect(late.respCode).toBe('10')
    expect(late.respMsg).toContain('encryptCertId')
    expect((await sendEncrypted(acp.client.encrypt('6216261000000000018'))).respCode).toBe(ACCEPTED)
  })
})
