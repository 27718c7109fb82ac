import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSandboxContext } from '../context.ts'
import { SANDBOX_UNIONPAY } from '../credentials.ts'
import { tokenApis } from './api.ts'
import { verifyUpsdkConfig } from './upsdk-verify.ts'

const NOW = 1_796_000_000_000
const ctx = () =>
  createSandboxContext({
    appBaseUrl: 'http://127.0.0.1:1',
    sandboxBaseUrl: 'http://127.0.0.1:1/sandbox',
    clock: () => NOW,
  })
const sha = (s: string) => createHash('sha256').update(s).digest('hex')
const timestamp = String(NOW / 1000)
const nonceStr = 'Wm3WZYTPz0wzccnW'

/** A backendToken request signed by hand with `string1` as given. */
const request = (string1: string) => ({ appId: SANDBOX_UNIONPAY.appId, nonceStr, timestamp, signature: sha(string1) })

describe('sandbox 开放平台 5.1 token signature (2.4.1)', () => {
  const good = `appId=${SANDBOX_UNIONPAY.appId}&nonceStr=${nonceStr}&secret=${SANDBOX_UNIONPAY.secret}&timestamp=${timestamp}`

  it('accepts the seed formula: sorted keys, raw values, secret signed but not sent', async () => {
    expect(await tokenApis.backendToken!(request(good), ctx())).toMatchObject({ resp: '00' })
  })

  it('refuses plausible misreadings with N62117', async () => {
    const misread = [
      `appId=${SANDBOX_UNIONPAY.appId}&nonceStr=${nonceStr}&timestamp=${timestamp}`, // secret left out
      `nonceStr=${nonceStr}&appId=${SANDBOX_UNIONPAY.appId}&secret=${SANDBOX_UNIONPAY.secret}&timestamp=${timestamp}`, // not sorted
      good.toUpperCase(),
    ]
    for (const s of misread) expect(await tokenApis.backendToken!(request(s), ctx())).toMatchObject({ resp: 'N62117' })
    const upperHex = { ...request(good), signature: sha(good).toUpperCase() }
    expect(await tokenApis.backendToken!(upperHex, ctx())).toMatchObject({ resp: 'N62117' })
  })

  it('refuses a millisecond timestamp or one older than 5 minutes (N62108)', async () => {
    expect(await tokenApis.frontToken!({ ...request(good), timestamp: String(NOW) }, ctx())).toMatchObject({
      resp: 'N62108',
    })
    expect(await tokenApis.frontToken!({ ...request(good), timestamp: String(NOW / 1000 - 301) }, ctx())).toMatchObject(
      { resp: 'N62108' },
    )
  })
})

describe('sandbox upsdk.config check (appendix 1)', () => {
  it('accepts sha256 over appId, frontToken, nonceStr, timestamp and the URL without #, raw', () => {
    const c = ctx()
    const front = c.unionpay.issueToken('front').token
    const url = 'http://127.0.0.1:1/pay?a=1&b=%2B'
    const signature = sha(
      `appId=${SANDBOX_UNIONPAY.appId}&frontToken=${front}&nonceStr=${nonceStr}&timestamp=${timestamp}&url=${url}`,
    )
    expect(
      verifyUpsdkConfig(
        { appId: SANDBOX_UNIONPAY.appId, timestamp, nonceStr, signature, url: `${url}#/x` },
        c.unionpay,
      ),
    ).toEqual({ ok: true })
    const encoded = sha(
      `appId=${SANDBOX_UNIONPAY.appId}&frontToken=${encodeURIComponent(front)}&nonceStr=${nonceStr}&timestamp=${timestamp}&url=${encodeURIComponent(url)}`,
    )
    expect(
      verifyUpsdkConfig({ appId: SANDBOX_UNIONPAY.appId, timestamp, nonceStr, signature: encoded, url }, c.unionpay),
    ).toMatchObject({ ok: false, errcode: 'c01' })
  })
})
