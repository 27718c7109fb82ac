import type { UpsdkClient } from 'upkit/upsdk'

/** How a page asks for the in-webview debug console. */
export interface DebugRequest {
  href: string
  userAgent: string
  /** The choice remembered for this tab (`?debug=1` / `?debug=0`). */
  stored: string | null
}

export const DEBUG_STORAGE_KEY = 'upkit.debug'

/**
 * `?debug=1` (remembered for the tab, `?debug=0` forgets it), or the 云闪付 app's own debug mode
 * (`(updebug 1)` in the UA). Nothing else: a production page never shows it unless asked.
 */
export function wantsDebugConsole(req: DebugRequest): { on: boolean; store: string | null | undefined } {
  let param: string | null = null
  try {
    param = new URL(req.href).searchParams.get('debug')
  } catch {
    /* not a URL: no parameter */
  }
  if (param === '1') return { on: true, store: '1' }
  if (param === '0') return { on: /\(updebug 1\)/.test(req.userAgent), store: null }
  return { on: req.stored === '1' || /\(updebug 1\)/.test(req.userAgent), store: undefined }
}

export function readStored(): string | null {
  try {
    return sessionStorage.getItem(DEBUG_STORAGE_KEY)
  } catch {
    return null
  }
}

export function remember(value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(DEBUG_STORAGE_KEY)
    else sessionStorage.setItem(DEBUG_STORAGE_KEY, value)
  } catch {
    /* private mode: this page only */
  }
}

/**
 * Starts the console when this page asked for it (see `wantsDebugConsole`). The console module
 * (and eruda behind it) is its own chunk, fetched only then: the home route does not carry it.
 */
export function maybeStartDebugConsole(client?: UpsdkClient): boolean {
  const want = wantsDebugConsole({ href: location.href, userAgent: navigator.userAgent, stored: readStored() })
  if (want.store !== undefined) remember(want.store)
  if (want.on) void import('./console').then((m) => m.startDebugConsole(client))
  return want.on
}
