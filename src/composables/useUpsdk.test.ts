import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { useSdkStore } from '@/stores/sdk'
import { createUpsdkClient } from '@/upsdk/client'
import { createUpsdkStub } from '@/upsdk/stub'
import { createUpsdk } from './upsdkPlugin'
import { useRightButton } from './useRightButton'
import { useScreenShot } from './useScreenShot'
import { useUpsdk } from './useUpsdk'

const IOS_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0)'

function setup() {
  let path = '/'
  const getUrl = () => `https://h5.example.com${path}`
  const stub = createUpsdkStub({
    userAgent: IOS_UA,
    getUrl,
    fetch: (async () => Response.json({ ok: true })) as unknown as typeof fetch,
  })
  const client = createUpsdkClient({
    upsdk: stub.upsdk,
    userAgent: IOS_UA,
    getUrl,
    fetchSignature: async () => ({ appId: 'a', timestamp: '1', nonceStr: 'n', signature: 's' }),
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { render: () => null } }],
  })
  router.afterEach((to) => void (path = to.fullPath))
  // no Pinia: the plugin keeps the upsdk state in the app (useSdkStore)
  return { stub, client, router, plugins: [router, createUpsdk({ client, router })] }
}

describe('createUpsdk + useUpsdk', () => {
  it('configures after each navigation, once per URL', async () => {
    const { router, plugins, stub } = setup()
    const Probe = defineComponent({ setup: () => useUpsdk(), render: () => h('div') })
    const wrapper = mount(Probe, { global: { plugins } })
    await router.push('/')
    await vi.waitFor(() => expect(useSdkStore().status).toBe('ready'))
    await router.push('/orders?page=2')
    await vi.waitFor(() => expect(useSdkStore().configCount).toBe(2))
    await vi.waitFor(() => expect(useSdkStore().status).toBe('ready'))
    expect(useSdkStore().signedUrl).toBe('https://h5.example.com/orders?page=2')
    expect(stub.handle.configuredUrl).toBe('https://h5.example.com/orders?page=2')
    const api = wrapper.vm as unknown as ReturnType<typeof useUpsdk>
    await expect(api.call('getLocationCity')).resolves.toBe('310100')
    expect(useSdkStore().configCount).toBe(2)
  })

  it('a client whose first config already failed (upsdk-boot) is not configured again by the first navigation', async () => {
    const { router, plugins, stub, client } = setup()
    stub.handle.script('config', [{ fail: { errcode: 'c01', errmsg: '验签失败' } }])
    await expect(client.ready()).rejects.toMatchObject({ code: 'c01' })
    mount(defineComponent({ setup: () => useUpsdk(), render: () => h('div') }), { global: { plugins } })
    await router.push('/')
    await flushPromises()
    expect(useSdkStore().status).toBe('error')
    expect(useSdkStore().configCount).toBe(1)
    await useSdkStore().retry()
    expect(useSdkStore().status).toBe('ready')
    expect(useSdkStore().configCount).toBe(2)
  })

  it('useScreenShot / useRightButton stop listening when the component unmounts', async () => {
    const { router, plugins, stub } = setup()
    const onShot = vi.fn()
    const onTap = vi.fn()
    const Probe = defineComponent({
      setup() {
        useRightButton({ title: '分享' }, onTap)
        return useScreenShot(onShot)
      },
      render: () => h('div'),
    })
    const wrapper = mount(Probe, { global: { plugins } })
    await router.push('/')
    await vi.waitFor(() => expect(stub.handle.listeners).toMatchObject({ rightbtnclick: true, screenShotAction: true }))
    await new Promise((r) => setTimeout(r, 350))
    stub.handle.screenshot()
    stub.handle.tapRightButton()
    expect(onShot).toHaveBeenCalledTimes(1)
    expect(onTap).toHaveBeenCalledTimes(1)
    expect((wrapper.vm as unknown as { count: number }).count).toBe(1)
    wrapper.unmount()
    await flushPromises()
    stub.handle.screenshot()
    stub.handle.tapRightButton()
    expect(onShot).toHaveBeenCalledTimes(1)
    expect(onTap).toHaveBeenCalledTimes(1)
  })
})
