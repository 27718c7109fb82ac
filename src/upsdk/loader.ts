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
  // The stub is a lazy chunk of every build of the demo, fetched only when the server's setting
  // says `stub` (which it refuses outside sandbox mode). The package leaves it out (kit/build):
  // a merchant's page installs it with upkit/stub's installStub() before the first config.
  if (src === 'stub') {
    if (!import.meta.env.UPKIT_STUB_CHUNK)
      throw new UpsdkError(
        'load_failed',
        'upsdk 地址设为 stub，但本构建不含桩：请先调用 upkit/stub 的 installStub()',
        'environment',
        undefined,
        'load',
      )
    const { installUpsdkStub } = await import('./stub')
    installUpsdkStub()
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
