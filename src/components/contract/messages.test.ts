import { describe, expect, it } from 'vitest'
import { planTitle, resultMessage } from './messages'

describe('contract page messages', () => {
  it('explains each way back from the sign page', () => {
    expect(resultMessage('signed', undefined)).toEqual({ tone: 'ok', text: expect.stringContaining('已开通') })
    expect(resultMessage('cancelled', undefined)?.text).toContain('取消')
    expect(resultMessage('error', 'STATE_INVALID')?.text).toContain('重新点击开通')
    expect(resultMessage('error', 'UNIONPAY_N62131')?.text).toContain('N62131')
    expect(resultMessage('error', 'NOT_IN_CLOUDPAY')?.text).toContain('云闪付 App 内')
    expect(resultMessage('error', 'USER_MISMATCH')?.text).toContain('账号不一致')
    expect(resultMessage('error', 'UNIONPAY_X9')?.text).toContain('X9')
    expect(resultMessage('error', 'PLATFORM_e1')?.text).toContain('e1')
    expect(resultMessage('error', undefined)).toMatchObject({ tone: 'error' })
    expect(resultMessage(undefined, undefined)).toBeNull()
    expect(resultMessage(['signed'], undefined)).toBeNull()
  })

  it('names plans', () => {
    expect(planTitle('PLAN0002')).toBe('无感停车')
    expect(planTitle('9ca088374a8141ff')).toBe('签约模板 9ca088374a8141ff')
  })
})
