import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { createUpsdkClient } from '@/upsdk/client'
import type { UpsdkGlobal } from '@/upsdk/types'
import { provideSdkStore, useSdkStore } from './sdk'

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

/** A fresh state, as each app that installs the Vue plugin gets. */
const freshStore = () => provideSdkStore(createApp({ render: () => null }))

describe('useSdkStore', () => {
  it('mirrors the client through configuring → ready (nothing to load when upsdk is injected)', async () => {
    const store = freshStore()
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
    const store = freshStore()
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
    const store = freshStore()
    store.bind(createUpsdkClient({ upsdk: fakeUpsdk('ready'), userAgent: 'Mozilla/5.0 Safari', fetchSignature: sign }))
    await store.ensureReady()
    expect(store.status).toBe('outside-app')
    expect(store.env.inApp).toBe(false)
    await vi.waitFor(() => expect(store.hint?.title).toBe('请在云闪付 App 内打开'))
  })

  it("is each app's own inside its components, the last installed app's outside them; no Pinia needed", () => {
    const seen: unknown[] = []
    const Probe = defineComponent({ setup: () => void seen.push(useSdkStore()), render: () => h('i') })
    const mountOne = () => {
      const app = createApp(Probe)
      const state = provideSdkStore(app)
      app.mount(document.createElement('div'))
      return { app, state }
    }
    const a = mountOne()
    const b = mountOne()
    expect(seen).toEqual([a.state, b.state])
    expect(a.state).not.toBe(b.state)
    expect(useSdkStore()).toBe(b.state)
    a.state.bind(createUpsdkClient({ upsdk: fakeUpsdk('ready'), userAgent: IN_APP_UA, fetchSignature: sign }))
    expect(a.state.env.inApp).toBe(true)
    expect(b.state.env.inApp).toBe(false)
    a.app.unmount()
    b.app.unmount()
  })
})
