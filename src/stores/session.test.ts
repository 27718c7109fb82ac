import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useSessionStore } from './session'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const ME = { openId: 'abc+/=', scope: 'upapi_mobile', accessExpiresAt: 2, accessTokenValid: true, canReadMobile: true }

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.unstubAllGlobals()
  })

  it('asks /api/me once for concurrent callers and remembers the answer', async () => {
    const fetch = vi.fn(async () => json(200, ME))
    vi.stubGlobal('fetch', fetch)
    const s = useSessionStore()
    const [a, b] = await Promise.all([s.ensureLoaded(), s.ensureLoaded()])
    expect(a).toEqual(ME)
    expect(b).toEqual(ME)
    expect(await s.ensureLoaded()).toEqual(ME)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(s.status).toBe('authenticated')
    expect(s.isLoggedIn).toBe(true)
  })

  it('401 means anonymous, not an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: { code: 'NOT_LOGGED_IN', message: '请先登录' } })),
    )
    const s = useSessionStore()
    expect(await s.ensureLoaded()).toBeNull()
    expect(s.status).toBe('anonymous')
    expect(s.error).toBeNull()
  })

  it('a server failure is an error state with the message', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(500, { error: { code: 'INTERNAL', message: '服务器内部错误' } })),
    )
    const s = useSessionStore()
    await expect(s.ensureLoaded()).rejects.toMatchObject({ code: 'INTERNAL' })
    expect(s.status).toBe('error')
    expect(s.error?.message).toBe('服务器内部错误')
  })

  it('logout tells the server and forgets the user', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(200, ME))
      .mockResolvedValueOnce(json(200, { ok: true }))
    vi.stubGlobal('fetch', fetch)
    const s = useSessionStore()
    await s.refresh()
    await s.logout()
    expect(fetch.mock.calls[1]?.[0]).toBe('/api/oauth/logout')
    expect(fetch.mock.calls[1]?.[1]).toMatchObject({ method: 'POST' })
    expect(s.user).toBeNull()
    expect(s.status).toBe('anonymous')
  })
})
