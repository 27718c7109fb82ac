import { shallowReadonly, shallowRef } from 'vue'
import type { RouteLocationRaw, Router } from 'vue-router'

/** How long a navigation may take before the progress bar appears (no flash on fast loads). */
const SHOW_AFTER_MS = 120

const loading = shallowRef(false)
const failedPath = shallowRef<string | null>(null)

/** Navigation state for the app shell: a page's code is loading, or it failed to load. */
export const navigationState = {
  loading: shallowReadonly(loading),
  failedPath: shallowReadonly(failedPath),
}

/** A lazy page whose code could not be fetched (offline, deploy replaced the chunk...). */
export function isChunkLoadError(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.name} ${err.message}` : String(err)
  return /dynamically imported module|Importing a module script failed|Failed to fetch|Loading chunk|error loading/i.test(
    msg,
  )
}

/**
 * Shows progress while a page's code loads and, when it cannot be loaded, keeps the target so the
 * shell can offer 重试 instead of a tap that does nothing. Returns the function removing the hooks.
 */
export function installNavigationState(router: Router): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const stop = () => {
    clearTimeout(timer)
    loading.value = false
  }
  const offBefore = router.beforeEach(() => {
    failedPath.value = null
    clearTimeout(timer)
    timer = setTimeout(() => (loading.value = true), SHOW_AFTER_MS)
  })
  const offAfter = router.afterEach(stop)
  const offError = router.onError((err, to) => {
    stop()
    if (isChunkLoadError(err)) failedPath.value = to.fullPath
  })
  return () => {
    stop()
    offBefore()
    offAfter()
    offError()
  }
}

/**
 * Tries the failed page again; when the browser keeps the failed module cached (Chromium does),
 * a full load of the same address is the only way to fetch it again.
 */
export async function retryFailedNavigation(
  router: Router,
  reload: (path: string) => void = (p) => location.assign(p),
): Promise<void> {
  const path = failedPath.value
  if (!path) return
  failedPath.value = null
  const target: RouteLocationRaw = path
  try {
    await router.push(target)
  } catch {
    /* onError already recorded it */
  }
  if (failedPath.value === path) reload(path)
}

export function dismissFailedNavigation(): void {
  failedPath.value = null
}
