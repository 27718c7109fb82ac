import { describe, expect, it } from 'vitest'
import { detectEnvironment } from './env'
import { faqHint, faqHintForCode } from './faq'

const REAL =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16B92 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929) (UnionPay/1.0 CloudPay) (clientVersion 189) (language zh_CN) (upHtml) (walletMode 00)'

describe('detectEnvironment', () => {
  it('reads the real 云闪付 iOS user agent', () => {
    const env = detectEnvironment(REAL)
    expect(env).toMatchObject({ inApp: true, os: 'ios', debug: false, appVersion: '929', clientVersion: '189' })
    expect(env.tokens).toContain('com.unionpay.chsp')
    expect(env.tokens).not.toContain('KHTML, like Gecko')
  })
  it('accepts com.unionpay.mobilepay, Android and updebug 1', () => {
    expect(
      detectEnvironment('Mozilla/5.0 (Linux; Android 13) Chrome/120 (com.unionpay.mobilepay) (updebug 1)'),
    ).toMatchObject({
      inApp: true,
      os: 'android',
      debug: true,
    })
  })
  it('an ordinary browser, or the token without parentheses, is outside the app', () => {
    expect(detectEnvironment('Mozilla/5.0 (Linux; Android 13) Chrome/120 Mobile Safari/537.36')).toMatchObject({
      inApp: false,
      os: 'android',
      tokens: [],
    })
    expect(detectEnvironment('Mozilla/5.0 com.unionpay.chsp').inApp).toBe(false)
    expect(detectEnvironment('').os).toBe('other')
  })
})

describe('faq hints (附录八)', () => {
  it('explains config, environment and server errors', () => {
    expect(faqHintForCode('c01')?.faq).toContain(11)
    expect(faqHintForCode('not_in_app')?.title).toBe('请在云闪付 App 内打开')
    expect(faqHintForCode('URL_ORIGIN_NOT_ALLOWED')?.steps.join('')).toContain('UPSDK_ALLOWED_ORIGINS')
    expect(faqHint({ code: 'whatever', source: 'server' }).title).toBe('服务器错误')
    expect(faqHint({ code: 'whatever', source: 'plugin' }).steps.length).toBeGreaterThan(0)
    for (const code of ['c00', 'c01', 'c05', 'c101', 'c102', 'a20', 'timeout', 'load_failed', 'load_timeout'])
      expect(faqHintForCode(code), code).toBeDefined()
  })
})
