import { createVerify, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { tdesDecrypt } from '../crypto/tdes.ts'
import type { UnionpayClient } from './client.ts'
import { unwrapResult } from './client.ts'
import { beijingStamp, newTransNumber, signedBody, type OpenApiDeps } from './open-api.ts'
import type { TokenManager } from './tokens.ts'

const KEY = '0123456789abcdeffedcba9876543210a1b2c3d4e5f60718'
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const deps: OpenApiDeps = {
  client: {} as UnionpayClient,
  tokens: {} as TokenManager,
  appId: 'app1',
  symmetricKey: KEY,
  privateKey,
  clock: () => 1_572_338_170_000,
}

describe('5.8.1 signed bodies', () => {
  it('signs the sorted plain values (SHA256withRSA), then encrypts the listed fields; empty optionals are not sent', () => {
    const body = signedBody(
      deps,
      'red.packet.give',
      {
        insAcctId: 'T00T00000000888527',
        transNumber: '2019',
        openId: 'o+/=',
        mobile: '13812345678',
        pan: '',
        pointAt: '188',
        remark: undefined,
      },
      ['mobile', 'pan', 'pointAt'],
    )
    expect(Object.keys(body).sort()).toEqual([
      'appId',
      'insAcctId',
      'mobile',
      'nonceStr',
      'openId',
      'pointAt',
      'signature',
      'timestamp',
      'transNumber',
    ])
    expect(body.timestamp).toBe('1572338170')
    expect(tdesDecrypt(body.pointAt ?? '', KEY)).toBe('188')
    expect(tdesDecrypt(body.mobile ?? '', KEY)).toBe('13812345678')
    const string1 = `appId=app1&insAcctId=T00T00000000888527&mobile=13812345678&nonceStr=${body.nonceStr}&openId=o+/=&pointAt=188&timestamp=1572338170&transNumber=2019`
    expect(
      createVerify('sha256')
        .update(string1)
        .verify(publicKey, Buffer.from(body.signature ?? '', 'base64')),
    ).toBe(true)
    // the ciphertext is not what was signed
    const overCipher = string1.replace('pointAt=188', `pointAt=${body.pointAt}`)
    expect(
      createVerify('sha256')
        .update(overCipher)
        .verify(publicKey, Buffer.from(body.signature ?? '', 'base64')),
    ).toBe(false)
  })
})

describe('helpers', () => {
  it('reads {"result":{...}}-wrapped answers like bare ones', () => {
    const inner = { resp: '00', msg: '成功', params: { resultCd: '00' } }
    expect(unwrapResult({ result: inner })).toBe(inner)
    expect(unwrapResult(inner)).toBe(inner)
    expect(unwrapResult({ result: 'x' })).toEqual({ result: 'x' })
  })

  it('formats Beijing dates and 流水号', () => {
    // 2026-11-30 17:00:05 UTC is 2026-12-01 01:00:05 in Beijing
    expect(beijingStamp(Date.UTC(2026, 10, 30, 17, 0, 5))).toEqual({ date: '20261201', time: '20261201010005' })
    expect(newTransNumber(Date.UTC(2026, 10, 30, 17, 0, 5))).toMatch(/^20261201010005[A-Za-z0-9]{12}$/)
  })
})
