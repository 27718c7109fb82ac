import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installAuthGuard } from './guards'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const Empty = { template: '<div />' }

function makeRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Empty },
      { path: '/login', name: 'login', component: Empty },
      { path: '/profile', component: Empty, meta: { requiresAuth: true } },
      { path: '/contract', component: Empty, meta: { requiresAuth: true, authScope: 'upapi_mobile' } },
    ],
  })
}

describe('auth guard', () => {
  beforeEach(() => {
    vi.unstubAllGlobals()
  })

  it('lets public pages through without asking the server', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const router = makeRouter()
    installAuthGuard(router, { navigate: vi.fn(), pinia })
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('sends a visitor without a session through /api/oauth/authorize, back to the same page', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: { code: 'NOT_LOGGED_IN', message: '' } })),
    )
    const navigate = vi.fn()
    const router = makeRouter()
    installAuthGuard(router, { navigate, pinia })
    await router.push('/')
    await router.push('/contract?plan=1')
    expect(router.currentRoute.value.path).toBe('/')
    expect(navigate).toHaveBeenCalledWith('/api/oauth/authorize?scope=upapi_mobile&redirect=%2Fcontract%3Fplan%3D1')
  })

  it('lets a logged-in user in', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(200, {
          openId: 'o',
          scope: 'upapi_base',
          accessExpiresAt: 1,
          accessTokenValid: true,
          canReadMobile: false,
        }),
      ),
    )
    const navigate = vi.fn()
    const router = makeRouter()
    installAuthGuard(router, { navigate, pinia })
    await router.push('/profile')
    expect(router.currentRoute.value.path).toBe('/profile')
    expect(navigate).not.toHaveBeenCalled()
  })

  it('goes to /login with the reason when the server cannot be reached', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('offline')))
    const router = makeRouter()
    installAuthGuard(router, { navigate: vi.fn(), pinia })
    await router.push('/profile')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(router.currentRoute.value.query).toEqual({ redirect: '/profile', error: 'network' })
  })
})
