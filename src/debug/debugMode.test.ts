import { describe, expect, it } from 'vitest'
import { wantsDebugConsole } from './debugMode'

const UA = 'Mozilla/5.0 (Linux; Android 13) (com.unionpay.chsp) (cordova 4.5.4) (updebug 0)'

describe('wantsDebugConsole', () => {
  it('is off on a plain page', () => {
    expect(wantsDebugConsole({ href: 'https://a.example/pay', userAgent: UA, stored: null })).toEqual({
      on: false,
      store: undefined,
    })
  })
  it('?debug=1 turns it on and remembers it; ?debug=0 forgets it', () => {
    expect(wantsDebugConsole({ href: 'https://a.example/?debug=1', userAgent: UA, stored: null })).toEqual({
      on: true,
      store: '1',
    })
    expect(wantsDebugConsole({ href: 'https://a.example/pay', userAgent: UA, stored: '1' })).toEqual({
      on: true,
      store: undefined,
    })
    expect(wantsDebugConsole({ href: 'https://a.example/?debug=0', userAgent: UA, stored: '1' })).toEqual({
      on: false,
      store: null,
    })
  })
  it("follows the 云闪付 app's debug mode (updebug 1)", () => {
    const debugUa = UA.replace('(updebug 0)', '(updebug 1)')
    expect(wantsDebugConsole({ href: 'https://a.example/', userAgent: debugUa, stored: null }).on).toBe(true)
    expect(wantsDebugConsole({ href: 'https://a.example/?debug=0', userAgent: debugUa, stored: null }).on).toBe(true)
  })
})
