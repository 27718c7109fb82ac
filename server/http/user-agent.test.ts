import { describe, expect, it } from 'vitest'
import { isCloudpayUserAgent } from './user-agent.ts'

const CLOUDPAY_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929) (UnionPay/1.0 CloudPay)'

describe('user agent', () => {
  it('recognises the 云闪付 WebView by (com.unionpay.chsp) or (com.unionpay.mobilepay)', () => {
    expect(isCloudpayUserAgent(CLOUDPAY_UA)).toBe(true)
    expect(isCloudpayUserAgent('Mozilla/5.0 (Linux; Android 13) (com.unionpay.mobilepay)')).toBe(true)
    expect(isCloudpayUserAgent('Mozilla/5.0 (Linux; Android 13) Chrome/120 Mobile Safari/537.36')).toBe(false)
    expect(isCloudpayUserAgent('com.unionpay.chsp without brackets')).toBe(false)
    expect(isCloudpayUserAgent(undefined)).toBe(false)
  })
})
