import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  notifySign,
  notifySignString,
  openBodySigHeader,
  openFormParamUrl,
  parseOpenBodySig,
  verifyNotifySign,
} from './sign.ts'
import { BEIJING_TIME, NOTIFY_SIGN, OPEN_SIGNATURE } from '../test-vectors/chinaums.ts'
import { compactTimestamp, orderIdTime, parseCompactTimestamp, requestTimestamp } from './time.ts'

/** Seed 004, 1.8.4 签名示例 (shared with the sandbox's tests). */
const SEED_KEY = NOTIFY_SIGN.key
const seedParams = (): Record<string, string> => ({ ...NOTIFY_SIGN.params })

describe('通讯密钥 signatures (notify / return page)', () => {
  it('reproduces the seed example exactly (MD5 and SHA256)', () => {
    expect(notifySign(seedParams(), SEED_KEY, 'MD5')).toBe(NOTIFY_SIGN.md5)
    expect(notifySign(seedParams(), SEED_KEY, 'SHA256')).toBe(NOTIFY_SIGN.sha256)
  })

  it('builds the string the seed shows (its line breaks are layout only)', () => {
    expect(notifySignString(seedParams(), SEED_KEY)).toBe(NOTIFY_SIGN.signString)
  })

  it('skips empty values and verifies per signType, case-insensitively', () => {
    const p = { ...seedParams(), empty: '', sign: '57f81baf8e3bae1190b26d6c733038af' }
    expect(verifyNotifySign(p, SEED_KEY)).toBe(true)
    expect(verifyNotifySign({ ...p, signType: 'SHA256' }, SEED_KEY)).toBe(false)
    const sha: Record<string, string> = { ...seedParams(), signType: 'SHA256' }
    sha.sign = notifySign(sha, SEED_KEY, 'SHA256')
    expect(verifyNotifySign(sha, SEED_KEY)).toBe(true)
    expect(verifyNotifySign({ ...p, totalAmount: '2' }, SEED_KEY)).toBe(false)
    expect(verifyNotifySign(p, 'another key')).toBe(false)
    expect(verifyNotifySign({ ...p, signType: 'RSA' }, SEED_KEY)).toBe(false)
  })
})

describe('tolerant notify verification (public implementations disagree)', () => {
  const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase()

  it("no signType: the seed's SHA256 signature is accepted as well as its MD5 one", () => {
    const p = seedParams()
    expect(
      verifyNotifySign({ ...p, sign: 'a9eced8dd8425d1fc4047cf94e672c69ed1073557ee831c51287341cfab0b21f' }, SEED_KEY),
    ).toBe(true)
    expect(verifyNotifySign({ ...p, sign: '57F81BAF8E3BAE1190B26D6C733038AF' }, SEED_KEY)).toBe(true)
    // An explicit signType is the only reading tried.
    expect(
      verifyNotifySign(
        { ...p, signType: 'MD5', sign: 'a9eced8dd8425d1fc4047cf94e672c69ed1073557ee831c51287341cfab0b21f' },
        SEED_KEY,
      ),
    ).toBe(false)
  })

  it('empty values signed (k=) or left out: either reading verifies; a forged one does not', () => {
    const p: Record<string, string> = {
      mid: '898340149000005',
      attachedData: '',
      merOrderId: '1017ABC000001',
      totalAmount: '1',
    }
    const withEmpty = md5Upper(`attachedData=&merOrderId=1017ABC000001&mid=898340149000005&totalAmount=1${SEED_KEY}`)
    const withoutEmpty = md5Upper(`merOrderId=1017ABC000001&mid=898340149000005&totalAmount=1${SEED_KEY}`)
    expect(verifyNotifySign({ ...p, sign: withEmpty }, SEED_KEY)).toBe(true)
    expect(verifyNotifySign({ ...p, sign: withoutEmpty }, SEED_KEY)).toBe(true)
    expect(verifyNotifySign({ ...p, totalAmount: '100', sign: withEmpty }, SEED_KEY)).toBe(false)
    expect(
      verifyNotifySign(
        { ...p, sign: md5Upper(`attachedData=&merOrderId=1017ABC000001&mid=898340149000005&totalAmount=1wrong-key`) },
        SEED_KEY,
      ),
    ).toBe(false)
  })

  it('we sign strictly: empty values left out, MD5 unless asked', () => {
    const p: Record<string, string> = {
      mid: '898340149000005',
      attachedData: '',
      merOrderId: '1017ABC000001',
      totalAmount: '1',
    }
    expect(notifySign(p, SEED_KEY)).toBe(
      md5Upper(`merOrderId=1017ABC000001&mid=898340149000005&totalAmount=1${SEED_KEY}`),
    )
  })
})

describe('OPEN-FORM-PARAM / OPEN-BODY-SIG', () => {
  const creds = { appId: '10037ca75e6125aa015e9e12a89b001b', appKey: '1c4e3b16066244ae9b236a09e5b312e8' }
  const now = Date.UTC(2017, 5, 6, 5, 57, 0) // 2017-06-06 13:57:00 Beijing

  /** Independent computation, step by step, of the seed's formula. */
  function expectedSignature(appId: string, timestamp: string, nonce: string, content: string, key: string): string {
    const contentHash = createHash('sha256').update(Buffer.from(content, 'utf8')).digest('hex')
    const hmac = createHmac('sha256', Buffer.from(key, 'utf8'))
    hmac.update(Buffer.from(`${appId}${timestamp}${nonce}${contentHash}`, 'utf8'))
    return hmac.digest().toString('base64')
  }

  it('signs the redirect URL and encodes every parameter', () => {
    const content = JSON.stringify({
      requestTimestamp: '2017-06-06 13:57:00',
      mid: '898201612345678',
      totalAmount: 3,
      goodsName: '测试 & +',
    })
    const url = openFormParamUrl(
      'https://example.test/v1/netpay/uac/order',
      creds,
      content,
      now,
      '99930a147f5353dd8a8f29a5329f37e9',
    )
    const u = new URL(url)
    expect(u.origin + u.pathname).toBe('https://example.test/v1/netpay/uac/order')
    expect(u.searchParams.get('authorization')).toBe('OPEN-FORM-PARAM')
    expect(u.searchParams.get('appId')).toBe(creds.appId)
    expect(u.searchParams.get('timestamp')).toBe('20170606135700')
    expect(u.searchParams.get('nonce')).toBe('99930a147f5353dd8a8f29a5329f37e9')
    expect(u.searchParams.get('content')).toBe(content)
    expect(u.searchParams.get('signature')).toBe(
      expectedSignature(creds.appId, '20170606135700', '99930a147f5353dd8a8f29a5329f37e9', content, creds.appKey),
    )
    expect(url).not.toContain('+')
    expect(url).toContain('%2B')
  })

  it('builds the Authorization header over the exact body', () => {
    const body = '{"requestTimestamp":"2017-06-06 13:57:00","merOrderId":"1017abc"}'
    const h = openBodySigHeader(creds, body, now, 'n0nce')
    const sig = expectedSignature(creds.appId, '20170606135700', 'n0nce', body, creds.appKey)
    expect(h).toBe(
      `OPEN-BODY-SIG AppId="${creds.appId}", Timestamp="20170606135700", Nonce="n0nce", Signature="${sig}"`,
    )
    expect(parseOpenBodySig(h)).toEqual({
      appId: creds.appId,
      timestamp: '20170606135700',
      nonce: 'n0nce',
      signature: sig,
    })
    expect(parseOpenBodySig('OPEN-FORM-PARAM x')).toBeNull()
    expect(parseOpenBodySig('OPEN-BODY-SIG AppId="a", Nonce="b"')).toBeNull()
  })

  it('matches the shared openssl vector (header and HMAC)', () => {
    const v = OPEN_SIGNATURE
    const now = BEIJING_TIME.epochMs
    expect(openBodySigHeader({ appId: v.appId, appKey: v.appKey }, v.content, now, v.nonce)).toBe(v.header)
    expect(parseOpenBodySig(v.header)).toEqual({
      appId: v.appId,
      timestamp: v.timestamp,
      nonce: v.nonce,
      signature: v.signature,
    })
  })
})

describe('Beijing time formats', () => {
  const t = Date.UTC(2024, 0, 31, 17, 4, 5, 67) // 2024-02-01 01:04:05.067 in Beijing
  it('matches the shared vector', () => {
    expect(compactTimestamp(BEIJING_TIME.epochMs)).toBe(BEIJING_TIME.compact)
    expect(requestTimestamp(BEIJING_TIME.epochMs)).toBe(BEIJING_TIME.dashed)
  })
  it('formats and parses', () => {
    expect(compactTimestamp(t)).toBe('20240201010405')
    expect(requestTimestamp(t)).toBe('2024-02-01 01:04:05')
    expect(orderIdTime(t)).toBe('20240201040105067') // yyyyMMdd mm HH ss SSS, as the seed writes it
    expect(parseCompactTimestamp('20240201010405')).toBe(t - 67)
    expect(parseCompactTimestamp('20240231010405')).toBeNaN()
  })
})
