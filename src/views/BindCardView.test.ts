import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import BindCardView from './BindCardView.vue'

const CAPS = { sandbox: false, inAppPay: true, contractCharging: true, acp: true, chinaums: true }

/** The page against a fake `/api`: what each GET answers, and which URLs were asked. */
async function mountWith(caps: Record<string, unknown>) {
  const asked: string[] = []
  const answers: Record<string, unknown> = {
    '/api/capabilities': caps,
    '/api/nojump/cards': {
      cards: [{ bindingId: 'B1', status: 'ACTIVE', via: 'back', maskedPan: '622638******0095', smsRef: 'x' }],
    },
    '/api/nojump/payments': { payments: [] },
    '/api/nojump/preauth': { holds: [] },
  }
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      asked.push(url)
      return url in answers ? Response.json(answers[url]) : Response.json({}, { status: 404 })
    }),
  )
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/bindcard', component: BindCardView }],
  })
  await router.push('/bindcard')
  const wrapper = mount(BindCardView, { global: { plugins: [createPinia(), router] } })
  await vi.waitFor(() => expect(wrapper.text()).not.toContain('加载中…'))
  await flushPromises()
  return { wrapper, asked }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('BindCardView', () => {
  it('shows the 预授权 section under the cards when the server serves it', async () => {
    const { wrapper, asked } = await mountWith({ ...CAPS, nojump: true, preauth: true })
    expect(wrapper.find('[data-testid="bc-card"]').text()).toContain('622638******0095')
    expect(wrapper.find('[data-testid="preauth"]').exists()).toBe(true)
    await vi.waitFor(() => expect(asked).toContain('/api/nojump/preauth'))
    expect(wrapper.text()).toContain('也可以预授权')
  })

  it('hides 预授权 (and asks nothing of it) when the server does not serve it', async () => {
    const { wrapper, asked } = await mountWith({ ...CAPS, nojump: true, preauth: false })
    expect(wrapper.find('[data-testid="bc-card"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="preauth"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('预授权')
    expect(asked).not.toContain('/api/nojump/preauth')
  })

  it('without 银联无跳转支付, says so instead of failing requests', async () => {
    const { wrapper, asked } = await mountWith({ ...CAPS, acp: false, nojump: false, preauth: false })
    expect(wrapper.get('[data-testid="bc-unavailable"]').text()).toContain('未开通银联无跳转支付')
    expect(wrapper.find('[data-testid="bc-open-sms"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="preauth"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="bc-error"]').exists()).toBe(false)
    expect(asked).toEqual(['/api/capabilities'])
  })
})
