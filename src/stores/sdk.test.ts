import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createUpsdkClient } from '@/upsdk/client'
import type { UpsdkGlobal } from '@/upsdk/types'
import { useSdkStore } from './sdk'

const IN_APP_UA = 'Mozilla/5.0 (iPhone) AppleWebKit (com.unionpay.chsp) (cordova 4.5.4) (updebug 0)'

/** Answers every config asynchronously through the stored ready / error callbacks. */
function fakeUpsdk(outcome: 'ready' | 'error'): UpsdkGlobal {
  const ready: Array<() => void> = []
  let error: ((e: unknown) => void) | undefined
  return {
    config: vi.fn(() => {
      setTimeout(
        () =>
          outcome === 'ready' ? ready.forEach((cb) => cb()) : error?.({ errcode: 'a20', errmsg: '不合法的frontToken' }),
        0,
      )
    }),
    ready: (cb) => void ready.push(cb),
    error: (cb) => void (error = cb),
  }
}
const sign = async () => ({ appId: 'a', timestamp: '1', nonceStr: 'n', signature: 's' })

beforeEach(() => setActivePinia(createPinia()))

describe('useSdkStore', () => {
  it('mirrors the client through configuring → ready (nothing to load when upsdk is injected)', async () => {
    const store = useSdkStore()
    const client = createUpsdkClient({
      upsdk: fakeUpsdk('ready'),
      userAgent: IN_APP_UA,
      getUrl: () => 'https://h5/',
      fetchSignature: sign,
    })
    store.bind(client)
    expect(store.status).toBe('idle')
    const p = store.ensureReady()
    expect(store.status).toBe('configuring')
    expect(store.isBusy).toBe(true)
    await expect(p).resolves.toBe(true)
    expect(store.status).toBe('ready')
    expect(store.isReady).toBe(true)
    expect(store.signedUrl).toBe('https://h5/')
    expect(store.configCount).toBe(1)
  })

  it('keeps the error and its 附录八 hint', async () => {
    const store = useSdkStore()
    store.bind(
      createUpsdkClient({
        upsdk: fakeUpsdk('error'),
        userAgent: IN_APP_UA,
        getUrl: () => 'https://h5/',
        fetchSignature: sign,
      }),
    )
    await expect(store.ensureReady()).resolves.toBe(false)
    expect(store.status).toBe('error')
    expect(store.error).toMatchObject({ code: 'a20', source: 'sdk' })
    await vi.waitFor(() => expect(store.hint?.title).toContain('frontToken'))
  })

  it('outside 云闪付: status outside-app with the not_in_app hint', async () => {
    const store = useSdkStore()
    store.bind(createUpsdkClient({ upsdk: fakeUpsdk('ready'), userAgent: 'Mozilla/5.0 Safari', fetchSignature: sign }))
    await store.ensureReady()
    expect(store.status).toBe('outside-app')
    expect(store.env.inApp).toBe(false)
    await vi.waitFor(() => expect(store.hint?.title).toBe('请在云闪付 App 内打开'))
  })
})
