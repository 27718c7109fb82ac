import { effectScope } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { hceListenerState } from '@/upsdk/hce'
import { createMiniUpsdk } from '@/upsdk/bluetooth/miniHost'
import { installHce } from '@/upsdk/stub/native/hce'
import { useHce, type UseHceOptions } from './useHce'

const AID = 'F0010203040506'

function setup(opts: Omit<UseHceOptions, 'upsdk'> = {}) {
  const mini = createMiniUpsdk({ target: new EventTarget() })
  const hce = installHce(mini.host)
  hce.setSettingsFixesAfter(5)
  const scope = effectScope()
  const h = scope.run(() => useHce({ upsdk: mini.upsdk, aids: AID, ...opts }))
  if (!h) throw new Error('no scope')
  scopes.push(scope)
  return { ...mini, hce, h, scope }
}
const scopes: ReturnType<typeof effectScope>[] = []
afterEach(() => {
  for (const s of scopes.splice(0)) s.stop()
})

/** A tiny card: SELECT of our AID → 9000, GET DATA → balance, anything else → 6D00. */
const card = ({ apdu }: { apdu: string }) =>
  apdu.startsWith('00A40400') ? '9000' : apdu.startsWith('80CA') ? '000003E89000' : '6D00'

describe('HCE simulator + useHce', () => {
  it('two instances share the one native HCE session: only the last to stop calls stopHCE', async () => {
    const { h: a, hce, upsdk, calls } = setup()
    const scope = effectScope()
    scopes.push(scope)
    const b = scope.run(() => useHce({ upsdk, aids: AID }))
    if (!b) throw new Error('no scope')
    expect(await a.start()).toBe(true)
    expect(await b.start()).toBe(true)
    const stops = () => calls.filter((c) => c.method === 'stopHCE').length
    await a.stop()
    expect(a.running.value).toBe(false)
    expect(stops()).toBe(0)
    expect(hce.state().started).toBe(true)
    scope.stop()
    await expect.poll(stops).toBe(1)
    expect(hce.state().started).toBe(false)
  })

  it('checks the state, starts, lets the reader exchange APDUs, logs both directions', async () => {
    const { h, hce } = setup({ responder: card })
    await expect.poll(() => h.state.value?.code).toBe('0000')
    expect(await h.start()).toBe(true)
    expect(hce.state()).toMatchObject({ started: true, aids: [AID], listening: true })
    expect(await hce.reader.select(AID)).toBe('9000')
    expect(await hce.reader.exchange('80CA9F7F00')).toBe('000003E89000')
    expect(await hce.reader.exchange('00B0000000')).toBe('6D00')
    const apdus = h.log.value.filter((e) => e.dir !== 'event').map((e) => `${e.dir}:${e.hex}`)
    expect(apdus).toEqual([
      `command:00A4040007${AID}00`,
      'response:9000',
      'command:80CA9F7F00',
      'response:000003E89000',
      'command:00B0000000',
      'response:6D00',
    ])
    expect(hce.state().log.map((e) => e.dir)).toEqual([
      'command',
      'response',
      'command',
      'response',
      'command',
      'response',
    ])
  })

  it('answers 6A82 for an AID that is not registered, without bothering the page', async () => {
    const { h, hce } = setup({ responder: card })
    await h.start()
    expect(await hce.reader.select('A0000000031010')).toBe('6A82')
    expect(h.log.value.filter((e) => e.dir === 'command')).toEqual([])
    await expect(hce.reader.exchange('80CA9F7F00')).rejects.toThrow('SELECT')
  })

  it('without a responder the page answers by hand; the reader times out when it does not', async () => {
    const { h, hce } = setup()
    hce.setResponseTimeout(30)
    await h.start()
    const pending = hce.reader.select(AID)
    await expect.poll(() => h.log.value.some((e) => e.dir === 'command')).toBe(true)
    await h.respond('9000')
    expect(await pending).toBe('9000')
    await expect(hce.reader.exchange('80CA9F7F00')).rejects.toThrow('没有应答')
  })

  it('explains each unsupported state and refuses to start', async () => {
    for (const code of ['1001', '1002', '1003', '1004'] as const) {
      const { h, hce } = setup()
      hce.setHceState(code)
      await h.refresh()
      expect(h.state.value?.code).toBe(code)
      expect(h.state.value?.ok).toBe(false)
      expect(await h.start()).toBe(false)
      expect(h.error.value).toMatchObject({ code: '1101', message: '注册AID失败' })
    }
  })

  it('1002: opening the NFC settings fixes it, and the page checks again', async () => {
    const { h, hce } = setup()
    hce.setHceState('1002')
    await h.refresh()
    expect(h.state.value?.code).toBe('1002')
    await h.openSettings()
    await new Promise((r) => setTimeout(r, 20))
    await h.refresh()
    expect(h.state.value?.code).toBe('0000')
  })

  it('rejects a bad AID list before calling startHCE', async () => {
    const { h, calls } = setup()
    expect(await h.start('F00102,XYZ')).toBe(false)
    expect(h.error.value).toMatchObject({ code: '1102' })
    expect(calls.some((c) => c.method === 'startHCE')).toBe(false)
  })

  it('stops card emulation and drops its listener when the scope ends', async () => {
    const { h, hce, scope, upsdk } = setup({ responder: card })
    await h.start()
    scope.stop()
    await expect.poll(() => hce.state().started).toBe(false)
    expect(hceListenerState(upsdk).subscribers).toBe(0)
    await expect(hce.reader.select(AID)).rejects.toThrow('HCE 未启动')
  })
})

describe('useHce isSupported', () => {
  it('follows a window.upsdk that is loaded after setup', async () => {
    const scope = effectScope()
    scopes.push(scope)
    const h = scope.run(() => useHce({ immediate: false, refreshOnVisible: false }))
    if (!h) throw new Error('no scope')
    expect(h.isSupported.value).toBe(false)
    const mini = createMiniUpsdk({ target: new EventTarget() })
    installHce(mini.host)
    window.upsdk = mini.upsdk
    try {
      await h.refresh()
      expect(h.isSupported.value).toBe(true)
      expect(h.state.value?.code).toBe('0000')
    } finally {
      delete window.upsdk
    }
  })
})

describe('useHce injected globals', () => {
  it('watches visibility on the injected document and stamps the log with the injected clock', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' }) as unknown as Document
    const { h, hce, scope } = setup({ document: doc, now: () => 42, immediate: false })
    expect(h.state.value).toBeNull()
    hce.setHceState('1002')
    ;(doc as unknown as { visibilityState: string }).visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.waitFor(() => expect(h.state.value?.code).toBe('1002'))
    hce.setHceState('0000')
    await h.start()
    expect(h.log.value.at(-1)).toMatchObject({ dir: 'event', at: 42 })
    scope.stop()
    // after the scope ends the injected document is no longer watched
    doc.dispatchEvent(new Event('visibilitychange'))
    await new Promise((r) => setTimeout(r, 10))
    expect(h.state.value?.code).toBe('1002')
  })
})
