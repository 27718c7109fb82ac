import { flushPromises } from '@vue/test-utils'
import { defineStore, type Pinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createApp, defineComponent, h, shallowRef, type App } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { installPiniaOnDemand, piniaReady } from './piniaOnDemand'

const useVisits = defineStore('visits', () => ({ count: shallowRef(0) }))

const StorePage = defineComponent({
  setup() {
    const visits = useVisits()
    visits.count++
    return () => h('p', { id: 'store-page' }, `visits ${visits.count}`)
  },
})
const Home = defineComponent({ render: () => h('p', { id: 'home' }, 'home') })

/** An app shaped like src/app.ts: Pinia on demand, then the router; counts the Pinia installs. */
function start(): { app: App; router: ReturnType<typeof createRouter>; root: HTMLElement; pinias: () => Pinia[] } {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Home, meta: { stores: false } },
      { path: '/store', component: StorePage },
      { path: '/store-lazy', component: () => Promise.resolve({ default: StorePage }) },
    ],
  })
  const app = createApp({ render: () => h(RouterView) })
  const use = vi.spyOn(app, 'use')
  installPiniaOnDemand(app, router)
  app.use(router)
  const root = document.createElement('div')
  app.mount(root)
  const pinias = () =>
    use.mock.calls.map(([plugin]) => plugin).filter((p): p is Pinia => typeof p === 'object' && 'state' in p)
  return { app, router, root, pinias }
}

describe('installPiniaOnDemand', () => {
  it('a store page loaded directly: Pinia is installed before the page is created', async () => {
    const { app, router, root, pinias } = start()
    await router.push('/store')
    await flushPromises()
    expect(root.querySelector('#store-page')?.textContent).toBe('visits 1')
    expect(pinias()).toHaveLength(1)
    app.unmount()
  })

  it('the home page loads no Pinia; the first store page after it does, once for all later ones', async () => {
    const { app, router, root, pinias } = start()
    await router.push('/')
    await flushPromises()
    expect(root.querySelector('#home')).not.toBeNull()
    expect(pinias()).toHaveLength(0)
    expect(app.config.globalProperties.$pinia).toBeUndefined()

    await router.push('/store-lazy')
    await flushPromises()
    expect(root.querySelector('#store-page')?.textContent).toBe('visits 1')
    const [pinia] = pinias()
    expect(app.config.globalProperties.$pinia).toBe(pinia)

    await router.push('/')
    await router.push('/store')
    await flushPromises()
    // the same store in the same Pinia: its state lived on across the pages
    expect(root.querySelector('#store-page')?.textContent).toBe('visits 2')
    expect(pinias()).toEqual([pinia])
    app.unmount()
  })

  it('piniaReady() installs it for a lazy part of a store-free page, once', async () => {
    const { app, router, pinias } = start()
    await router.push('/')
    await Promise.all([piniaReady(), piniaReady()])
    expect(pinias()).toHaveLength(1)
    expect(useVisits(app.config.globalProperties.$pinia as Pinia).count).toBe(0)
    app.unmount()
  })
})
