import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { createUpsdk } from '@/composables/upsdkPlugin'
import { useSdkStore } from '@/stores/sdk'
import { createUpsdkClient } from '@/upsdk/client'
import { createUpsdkStub } from '@/upsdk/stub'
import HomeView from './HomeView.vue'

const IN_APP_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) Chrome/120 Mobile Safari/537.36 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929)'
const BROWSER_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) Chrome/120 Mobile Safari/537.36'

// The home page's occasional parts are their own chunks: loaded here first, so that none is still
// loading when a test's environment is torn down.
beforeAll(async () => {
  await Promise.all([
    import('@/components/QrCode.vue'),
    import('@/components/OutsideAppCard.vue'),
    import('@/components/UpsdkPlayground.vue'),
    import('@/components/SandboxStubPanel.vue'),
    import('@/components/sandbox/SandboxToolsCard.vue'),
    import('@/debug/console'),
    import('@/upsdk/faq'),
  ])
})

async function mountHome(opts: { userAgent: string; signature?: string }) {
  const url = 'https://h5.example.com/'
  const verify = vi.fn(async (_u: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, string>
    return Response.json(
      body.signature === 'good' ? { ok: true } : { ok: false, errcode: 'c01', errmsg: 'upsdk.config 验签失败' },
    )
  })
  const stub = createUpsdkStub({
    userAgent: opts.userAgent,
    getUrl: () => url,
    fetch: verify as unknown as typeof fetch,
  })
  let signature = opts.signature ?? 'good'
  const client = createUpsdkClient({
    upsdk: stub.upsdk,
    userAgent: opts.userAgent,
    getUrl: () => url,
    fetchSignature: async () => ({ appId: 'a', timestamp: '1', nonceStr: 'n', signature }),
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: HomeView },
      { path: '/:p(.*)', component: HomeView },
    ],
  })
  const pinia = createPinia()
  const wrapper = mount(HomeView, { global: { plugins: [pinia, router, createUpsdk({ client, router })] } })
  await router.push('/')
  await flushPromises()
  await vi.waitFor(() => expect(['ready', 'error', 'outside-app']).toContain(useSdkStore().status))
  await flushPromises()
  return { wrapper, stub, setSignature: (s: string) => (signature = s) }
}

// Home's occasional parts are lazy chunks: let every import started by a test finish before the
// environment is torn down (on a loaded machine they otherwise land after it, as unhandled errors).
afterEach(async () => {
  await vi.dynamicImportSettled()
})

describe('HomeView', () => {
  it('shows the environment and the ready state inside 云闪付', async () => {
    const { wrapper } = await mountHome({ userAgent: IN_APP_UA })
    expect(wrapper.get('[data-testid="sdk-status"]').attributes('data-status')).toBe('ready')
    expect(wrapper.get('[data-testid="env-in-app"]').text()).toBe('是')
    expect(wrapper.get('[data-testid="env-os"]').text()).toBe('Android')
    expect(wrapper.text()).toContain('com.unionpay.chsp')
    expect(wrapper.find('[data-testid="outside-app"]').exists()).toBe(false)
    expect(wrapper.findAll('.tile').map((t) => t.attributes('href'))).toEqual([
      '/profile',
      '/contract',
      '/pay',
      '/bindcard',
      '/orders',
      '/bluetooth',
      '/nfc',
      '/security',
      '/marketing',
    ])
  })

  it('shows the error code with the 附录八 hint, and 重试 recovers', async () => {
    const { wrapper, setSignature } = await mountHome({ userAgent: IN_APP_UA, signature: 'tampered' })
    expect(wrapper.get('[data-testid="sdk-error-code"]').text()).toBe('c01')
    // the FAQ hints are a lazy chunk
    await vi.waitFor(() => expect(wrapper.get('[data-testid="sdk-hint"]').text()).toContain('附录八'))
    setSignature('good')
    await wrapper.get('[data-testid="sdk-retry"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="sdk-status"]').attributes('data-status')).toBe('ready'))
    expect(wrapper.find('[data-testid="sdk-error"]').exists()).toBe(false)
  })

  it('asks ordinary browsers to open the page in 云闪付, without calling upsdk', async () => {
    const { wrapper, stub } = await mountHome({ userAgent: BROWSER_UA })
    expect(wrapper.get('[data-testid="outside-app"]').text()).toContain('请在云闪付 App 内打开')
    expect(wrapper.get('[data-testid="env-in-app"]').text()).toBe('否')
    expect(stub.handle.calls).toHaveLength(0)
  })
})
