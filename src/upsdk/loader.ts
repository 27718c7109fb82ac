import { runtimeSettings } from '../settings'
import { UpsdkError } from './errors'
import type { UpsdkGlobal } from './types'

export interface LoadUpsdkOptions {
  /** Where upsdk.js comes from; the literal `stub` installs the kit's stand-in. @default the injected setting, else VITE_UPSDK_URL */
  src?: string
  /** Reject with `load_timeout` when the script has not defined `window.upsdk` by then. @default 10000 */
  timeoutMs?: number
}

/** Where 云闪付 serves upsdk.js (seed 003, UPSDK). */
export const REAL_UPSDK_URL = 'https://open.95516.com/s/open/js/upsdk.js'

let loading: Promise<UpsdkGlobal> | undefined

/**
 * Loads Zepto (upsdk.js needs it first) and then upsdk, once per page: later calls share the
 * same promise. A failed load is forgotten so that a retry loads again.
 */
export function loadUpsdk(options: LoadUpsdkOptions = {}): Promise<UpsdkGlobal> {
  if (typeof window !== 'undefined' && window.upsdk) return Promise.resolve(window.upsdk)
  loading ??= doLoad(options).catch((err: unknown) => {
    loading = undefined
    if (err instanceof UpsdkError) throw err
    throw new UpsdkError(
      'load_failed',
      `upsdk 加载失败：${err instanceof Error ? err.message : String(err)}`,
      'environment',
      err,
      'load',
    )
  })
  return loading
}

/** Forgets the memoised load (tests). */
export function resetUpsdkLoader(): void {
  loading = undefined
}

async function doLoad(options: LoadUpsdkOptions): Promise<UpsdkGlobal> {
  // An app built without VITE_UPSDK_URL (e.g. one that installs upkit) loads the real script.
  const src = options.src ?? (runtimeSettings().upsdkUrl || REAL_UPSDK_URL)
  const timeoutMs = options.timeoutMs ?? 10_000
  if (typeof window === 'undefined' || typeof document === 'undefined') {
    throw new UpsdkError('load_failed', 'upsdk 只能在浏览器中加载', 'environment', undefined, 'load')
  }
  await ensureZepto()
  // The app's builds keep the stub as a lazy chunk, fetched only when the server's setting says
  // `stub` (refused outside sandbox mode). The kit's package build defines VITE_UPSDK_URL as
  // undefined, which drops the stub from its loader: a merchant installs it with upkit/stub.
  if (import.meta.env.VITE_UPSDK_URL !== undefined && src === 'stub') {
    const { installUpsdkStub } = await import('./stub')
    installUpsdkStub()
  } else if (src === 'stub') {
    throw new UpsdkError(
      'load_failed',
      '本构建不包含 upsdk 桩：请用 upkit/stub 的 installStub()',
      'environment',
      src,
      'load',
    )
  } else {
    await injectScript(src, timeoutMs)
  }
  if (!window.upsdk) {
    throw new UpsdkError(
      'load_failed',
      'upsdk is not defined：upsdk.js 已加载但没有定义 window.upsdk',
      'environment',
      undefined,
      'load',
    )
  }
  return window.upsdk
}

/** Puts Zepto on the page unless Zepto or jQuery is there (upsdk.js needs one of them first). */
export async function ensureZepto(): Promise<void> {
  if (window.Zepto || (window as { jQuery?: unknown }).jQuery) return
  const { default: Zepto } = await import('zepto')
  window.Zepto = Zepto
  window.$ ??= Zepto
}

function injectScript(src: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    const timer = setTimeout(() => {
      cleanup()
      reject(
        new UpsdkError(
          'load_timeout',
          `upsdk.js 在 ${Math.round(timeoutMs / 1000)} 秒内没有加载完成`,
          'environment',
          src,
          'load',
        ),
      )
    }, timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      script.onload = null
      script.onerror = null
    }
    script.onload = () => {
      cleanup()
      resolve()
    }
    script.onerror = () => {
      cleanup()
      script.remove()
      reject(new UpsdkError('load_failed', `upsdk.js 加载失败：${src}`, 'environment', src, 'load'))
    }
    script.src = src
    script.async = true
    document.head.appendChild(script)
  })
}
