import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { toUpsdkError } from '@/upsdk/errors'
import { errorText } from './errorText'

describe('errorText', () => {
  it("shows the server's Chinese message of an ApiError, not its code", () => {
    const e = new ApiError(409, 'COMPLETION_EXCEEDS', '完成金额超过预授权金额：最多 88.00 元，本次 88.01 元')
    expect(errorText(e, '操作失败')).toBe('完成金额超过预授权金额：最多 88.00 元，本次 88.01 元')
    expect(errorText(new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试'))).toBe(
      '网络连接失败，请检查网络后重试',
    )
  })

  it("shows upsdk's message of an UpsdkError", () => {
    const e = toUpsdkError('pay', { errcode: 'c01', errmsg: '签名错误' })
    expect(errorText(e, '支付失败')).toBe('签名错误')
  })

  it('uses the fallback for what is not an Error, or an Error without a message', () => {
    expect(errorText('boom', '加载失败')).toBe('加载失败')
    expect(errorText(undefined, '加载失败')).toBe('加载失败')
    expect(errorText(new Error(''), '加载失败')).toBe('加载失败')
    expect(errorText(new Error(''))).toBe('操作失败，请重试')
  })

  it('without a fallback, shows the thrown value as text', () => {
    expect(errorText('设备不支持')).toBe('设备不支持')
    expect(errorText(42)).toBe('42')
    expect(errorText(new TypeError('x is not a function'))).toBe('x is not a function')
  })
})
