import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { SessionUserView } from '@common/api'
import { ApiError, apiRequest } from '@/api/client'

/** What `GET /api/me` answers for a logged-in user. */
export type SessionUser = SessionUserView

export type SessionStatus = 'unknown' | 'loading' | 'authenticated' | 'anonymous' | 'error'

/** The browser's session with the kit's server (the cookie itself is httpOnly and never seen here). */
export const useSessionStore = defineStore('session', () => {
  const user = shallowRef<SessionUser | null>(null)
  const status = ref<SessionStatus>('unknown')
  const error = shallowRef<ApiError | null>(null)
  let inflight: Promise<SessionUser | null> | null = null

  const isLoggedIn = computed(() => user.value !== null)

  /** Asks the server who is logged in; null when nobody is (401). */
  function refresh(): Promise<SessionUser | null> {
    status.value = 'loading'
    error.value = null
    inflight = apiRequest<SessionUser>('GET', '/api/me')
      .then((me) => {
        user.value = me
        status.value = 'authenticated'
        return me
      })
      .catch((err: unknown) => {
        user.value = null
        if (err instanceof ApiError && err.status === 401) {
          status.value = 'anonymous'
          return null
        }
        status.value = 'error'
        error.value = err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', String(err))
        throw error.value
      })
      .finally(() => {
        inflight = null
      })
    return inflight
  }

  /** The known session, loading it once if nobody asked yet. */
  function ensureLoaded(): Promise<SessionUser | null> {
    if (status.value === 'authenticated' || status.value === 'anonymous') return Promise.resolve(user.value)
    return inflight ?? refresh()
  }

  async function logout(): Promise<void> {
    try {
      await apiRequest('POST', '/api/oauth/logout')
    } finally {
      clear()
    }
  }

  /** Forget the user locally (e.g. after the server said the session ended). */
  function clear(): void {
    user.value = null
    status.value = 'anonymous'
    error.value = null
  }

  return { user, status, error, isLoggedIn, refresh, ensureLoaded, logout, clear }
})
