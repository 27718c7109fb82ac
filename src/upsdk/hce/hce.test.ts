import { describe, expect, it, vi } from 'vitest'
import { UpsdkError } from '../errors'
import type { UpsdkGlobal } from '../types'
import {
  HCE_STATES,
  getHCEState,
  hceListenerState,
  onHCEMessage,
  sendHCEMessage,
  startHCE,
  stopHCE,
  validateAidList,
} from '.'

type Answer = { ok: unknown } | { err: unknown }
function fakeUpsdk(answers: Record<string, Answer>) {
  const calls: { method: string; params: Record<string, unknown> }[] = []
  const slots: Record<string, { success: (x: unknown) => void; fail: (x: unknown) => void }> = {}
  const u: UpsdkGlobal = { config: () => undefined, ready: () => undefined, error: () => undefined }
  for (const [method, a] of Object.entries(answers)) {
    u[method] = (arg: Record<string, unknown>) => {
      const { success, fail, ...params } = arg as { success: (x: unknown) => void; fail: (x: unknown) => void }
      calls.push({ method, params })
      slots[method] = { success, fail }
      if ('ok' in a) {
        if (a.ok !== 'silent') success(a.ok)
      } else fail(a.err)
    }
  }
  return { upsdk: u, calls, slots }
}

describe('AID list validation (6.24.2)', () => {
  it('accepts comma-separated 10–32 hex chars, normalising case, spaces and duplicates', () => {
    expect(validateAidList('A000000010,A123456789')).toBe('A000000010,A123456789')
    expect(validateAidList(' f001020304 , F001020304,a0000000031010 ')).toBe('F001020304,A0000000031010')
    expect(validateAidList(['A0000000031010'])).toBe('A0000000031010')
    expect(validateAidList('A'.repeat(32))).toBe('A'.repeat(32))
  })

  it.each([
    ['', '至少'],
    ['A0000000,', 'A0000000'],
    ['A000000010,,A123456789', '空的'],
    ['A00000001', 'A00000001'], // 9 chars
    ['A'.repeat(34), '10–32'],
    ['A00000001G', 'A00000001G'],
    ['A000000010F', '奇数'],
  ])('rejects %j with code 1102 naming the problem', (input, hint) => {
    let err: unknown
    try {
      validateAidList(input)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UpsdkError)
    expect((err as UpsdkError).code).toBe('1102')
    expect((err as UpsdkError).message).toContain(hint)
  })

  it('startHCE validates before calling the bridge', async () => {
    const { upsdk, calls } = fakeUpsdk({ startHCE: { ok: { code: '0000' } } })
    await expect(startHCE({ aidList: 'XYZ' }, { upsdk })).rejects.toMatchObject({ code: '1102', source: 'validation' })
    expect(calls).toEqual([])
    await startHCE({ aidList: ['a000000010'] }, { upsdk })
    expect(calls).toEqual([{ method: 'startHCE', params: { aidList: 'A000000010' } }])
  })
})

describe('HCE codes', () => {
  it('maps every getHCEState code to a named state with a Chinese explanation', async () => {
    for (const code of ['0000', '1001', '1002', '1003', '1004'] as const) {
      const { upsdk } = fakeUpsdk({ getHCEState: { ok: { code, msg: 'x' } } })
      const s = await getHCEState({ upsdk })
      expect(s).toBe(HCE_STATES[code])
      expect(s.ok).toBe(code === '0000')
    }
    expect(HCE_STATES['1002'].fix).toBe('openNFCSetting')
    expect(HCE_STATES['1004'].fix).toBe('openNFCSetting')
    expect(HCE_STATES['1001'].fix).toBe('none')
    expect(HCE_STATES['1003'].explanation).toContain('不支持')
  })

  it('accepts the states through fail too, and refuses unknown codes', async () => {
    const viaFail = fakeUpsdk({ getHCEState: { err: { code: '1003', msg: '' } } })
    expect((await getHCEState({ upsdk: viaFail.upsdk })).code).toBe('1003')
    const unknown = fakeUpsdk({ getHCEState: { ok: { code: '1999' } } })
    await expect(getHCEState({ upsdk: unknown.upsdk })).rejects.toMatchObject({ code: 'bad_answer' })
  })

  it('turns startHCE/stopHCE codes into errors with the spec message', async () => {
    const a = fakeUpsdk({ startHCE: { ok: { code: '1101', msg: '' } } })
    await expect(startHCE({ aidList: 'A000000010' }, { upsdk: a.upsdk })).rejects.toMatchObject({
      code: '1101',
      message: '注册AID失败',
    })
    const b = fakeUpsdk({ startHCE: { err: { code: '1103' } } })
    await expect(startHCE({ aidList: 'A000000010' }, { upsdk: b.upsdk })).rejects.toMatchObject({
      code: '1103',
      message: '输入参数错误',
    })
    const c = fakeUpsdk({ stopHCE: { err: { code: '1402' } } })
    await expect(stopHCE({ upsdk: c.upsdk })).rejects.toMatchObject({ code: '1402', message: '注销AID失败' })
  })

  it('uses stopHCE, never the heading typo stoptHCE (no real build has it)', async () => {
    const a = fakeUpsdk({ stopHCE: { ok: { code: '0000' } }, stoptHCE: { ok: { code: '0000' } } })
    await stopHCE({ upsdk: a.upsdk })
    expect(a.calls.map((c) => c.method)).toEqual(['stopHCE'])
    const b = fakeUpsdk({ stoptHCE: { ok: { code: '0000' } } })
    await expect(stopHCE({ upsdk: b.upsdk })).rejects.toMatchObject({ code: 'not_available' })
    expect(b.calls).toEqual([])
  })

  it('sends HCE responses as upper-case hex and refuses empty data', async () => {
    const { upsdk, calls } = fakeUpsdk({ sendHCEMessage: { ok: { code: '0000' } } })
    await sendHCEMessage({ data: new Uint8Array([0x90, 0]) }, { upsdk })
    await sendHCEMessage({ data: '6a82' }, { upsdk })
    await expect(sendHCEMessage({ data: '' }, { upsdk })).rejects.toMatchObject({ source: 'validation' })
    expect(calls.map((c) => c.params)).toEqual([{ data: '9000' }, { data: '6A82' }])
  })
})

describe('onHCEMessage stream', () => {
  it('subscribing after startHCE registers at once', async () => {
    const { upsdk, calls } = fakeUpsdk({ startHCE: { ok: { code: '0000' } }, onHCEMessage: { ok: 'silent' } })
    await startHCE({ aidList: 'F001020304' }, { upsdk })
    const un = onHCEMessage(() => undefined, { upsdk })
    expect(calls.map((c) => c.method)).toEqual(['startHCE', 'onHCEMessage'])
    un()
  })

  it('registers after startHCE, fans messages out, and reports 1301', async () => {
    const { upsdk, calls, slots } = fakeUpsdk({
      startHCE: { ok: { code: '0000' } },
      onHCEMessage: { ok: 'silent' },
      stopHCE: { ok: { code: '0000' } },
    })
    const a = vi.fn()
    const b = vi.fn()
    const onError = vi.fn()
    const ua = onHCEMessage(a, { upsdk, onError })
    onHCEMessage(b, { upsdk })
    expect(calls).toEqual([]) // not before startHCE
    await startHCE({ aidList: 'F001020304' }, { upsdk })
    expect(calls.map((c) => c.method)).toEqual(['startHCE', 'onHCEMessage'])
    slots.onHCEMessage?.success({ code: '0000', data: '00a4040005f00102030400' })
    slots.onHCEMessage?.success({ code: '0000', messageType: '2' })
    expect(a.mock.calls.map((c) => c[0].type)).toEqual(['command', 'deactivated'])
    expect(a.mock.calls[0]?.[0]).toMatchObject({ apdu: '00A4040005F00102030400' })
    expect(b).toHaveBeenCalledTimes(2)
    slots.onHCEMessage?.success({ code: '1301', msg: '' })
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: '1301', message: '发送指令失败' })
    ua()
    expect(hceListenerState(upsdk)).toEqual({ subscribers: 1, registered: true })
    await stopHCE({ upsdk })
    expect(hceListenerState(upsdk).registered).toBe(false)
    // messages of a stopped session are ignored
    slots.onHCEMessage?.success({ code: '0000', data: '00B0000000' })
    expect(b).toHaveBeenCalledTimes(2)
  })
})
