import { describe, expect, it } from 'vitest'
import { wrapUpsdkForLog, type UpsdkCallEntry } from './upsdkCallLog'

describe('wrapUpsdkForLog', () => {
  it('logs calls and answers, shortens secrets, keeps behaviour, and wraps once', () => {
    const answers: string[] = []
    const upsdk: Record<string | symbol, unknown> = {
      ready: (cb: () => void) => cb(),
      pay: (o: { tn: string; success(r: unknown): void; fail(r: unknown): void }) =>
        o.tn === 'bad' ? o.fail({ msg: '失败' }) : o.success({ ok: 1 }),
    }
    const log: Array<[string, UpsdkCallEntry['outcome'], unknown]> = []
    expect(
      wrapUpsdkForLog(
        upsdk,
        (e, phase) => log.push([phase, e.outcome, phase === 'call' ? e.params : e.answer]),
        () => 0,
      ),
    ).toBe(true)
    expect(wrapUpsdkForLog(upsdk, () => log.push(['again', 'pending', null]))).toBe(false)
    const pay = upsdk.pay as (o: object) => void
    pay({ tn: '123456789012', success: () => answers.push('ok'), fail: () => answers.push('fail') })
    pay({ tn: 'bad', success: () => answers.push('ok'), fail: () => answers.push('fail') })
    expect(answers).toEqual(['ok', 'fail'])
    expect(log).toEqual([
      ['call', 'pending', { tn: '1234…(12)' }],
      ['answer', 'success', { ok: 1 }],
      ['call', 'pending', { tn: 'bad…(3)' }],
      ['answer', 'fail', { msg: '失败' }],
    ])
  })
})
