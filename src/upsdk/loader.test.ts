import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadUpsdk, resetUpsdkLoader } from './loader'
import type { UpsdkGlobal } from './types'

function clearGlobals() {
  delete window.upsdk
  delete window.__upsdkStub
  delete window.Zepto
  delete window.$
}

let appended: HTMLScriptElement[] = []
beforeEach(() => {
  clearGlobals()
  resetUpsdkLoader()
  appended = []
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T): T => {
    appended.push(node as unknown as HTMLScriptElement)
    return node
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
  clearGlobals()
})

describe('loadUpsdk', () => {
  it('stub: sets Zepto first, installs the stub and its handle, once', async () => {
    const a = loadUpsdk({ src: 'stub' })
    const b = loadUpsdk({ src: 'stub' })
    expect(a).toBe(b)
    const upsdk = await a
    expect(window.Zepto).toBeTypeOf('function')
    expect(window.upsdk).toBe(upsdk)
    expect(window.__upsdkStub?.calls).toEqual([])
    expect(window.__upsdkStub).toHaveProperty('ble')
    expect(appended).toHaveLength(0)
    await expect(loadUpsdk({ src: 'stub' })).resolves.toBe(upsdk)
  })

  it('script: injects upsdk.js after Zepto and resolves once it defined window.upsdk', async () => {
    const p = loadUpsdk({ src: 'https://open.95516.com/s/open/js/upsdk.js' })
    await vi.waitFor(() => expect(appended).toHaveLength(1))
    expect(window.Zepto).toBeTypeOf('function')
    expect(appended[0]?.src).toBe('https://open.95516.com/s/open/js/upsdk.js')
    const fake = { config() {}, ready() {}, error() {} } as UpsdkGlobal
    window.upsdk = fake
    appended[0]?.onload?.(new Event('load'))
    await expect(p).resolves.toBe(fake)
  })

  it('script: load_failed on error or when upsdk stays undefined; a retry loads again', async () => {
    const p = loadUpsdk({ src: 'https://cdn.example/upsdk.js' })
    await vi.waitFor(() => expect(appended).toHaveLength(1))
    appended[0]?.onerror?.(new Event('error'))
    await expect(p).rejects.toMatchObject({ code: 'load_failed', source: 'environment', method: 'load' })
    const q = loadUpsdk({ src: 'https://cdn.example/upsdk.js' })
    await vi.waitFor(() => expect(appended).toHaveLength(2))
    appended[1]?.onload?.(new Event('load'))
    await expect(q).rejects.toMatchObject({
      code: 'load_failed',
      message: expect.stringContaining('upsdk is not defined'),
    })
  })

  it('script: load_timeout', async () => {
    vi.useFakeTimers()
    const p = loadUpsdk({ src: 'https://cdn.example/upsdk.js', timeoutMs: 2000 }).catch((e: unknown) => e)
    await vi.waitFor(() => expect(appended).toHaveLength(1))
    await vi.advanceTimersByTimeAsync(2000)
    expect(await p).toMatchObject({ code: 'load_timeout' })
  })
})

describe('loadUpsdk failures of the page itself', () => {
  it('wraps an unexpected error (e.g. Zepto failing) as load_failed', async () => {
    const original = window.Zepto
    Object.defineProperty(window, 'Zepto', {
      configurable: true,
      get: () => undefined,
      set: () => {
        throw new Error('boom')
      },
    })
    try {
      await expect(loadUpsdk({ src: 'stub' })).rejects.toMatchObject({
        code: 'load_failed',
        message: expect.stringContaining('boom'),
      })
    } finally {
      Object.defineProperty(window, 'Zepto', { configurable: true, writable: true, value: original })
    }
  })
})
