import { callUpsdk, resolveUpsdk } from './call'
import { UpsdkError } from './errors'
import type { UpsdkGlobal } from './types'

/**
 * Pages inside a 云闪付小程序 web-view do not call `config`: public pages wait for
 * `upsdk.pluginReady(cb)` and then call plugins, e.g. `appletAuth` for an authorisation code
 * (docs/upsdk-kit.md "小程序 web-view"). Only these two uses are established; `appletConfig` is
 * not supported (no public page shows how it is called).
 */
export interface AppletOptions {
  /** @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** @default 10000 */
  timeoutMs?: number
}

const resolve = resolveUpsdk

/** Resolves once upsdk says its plugins can be called (`upsdk.pluginReady`); rejects when that never comes. */
export function whenPluginReady(options: AppletOptions = {}): Promise<UpsdkGlobal> {
  const upsdk = resolve(options.upsdk)
  const pluginReady = upsdk?.pluginReady
  if (!upsdk || typeof pluginReady !== 'function') {
    return Promise.reject(
      new UpsdkError(
        'not_available',
        'upsdk.pluginReady 不可用：upsdk 未加载或版本过旧',
        'environment',
        undefined,
        'pluginReady',
      ),
    )
  }
  const timeoutMs = options.timeoutMs ?? 10_000
  return new Promise((res, rej) => {
    const timer = setTimeout(
      () =>
        rej(
          new UpsdkError(
            'bridge_not_ready',
            `云闪付的插件桥没有就绪（${Math.round(timeoutMs / 1000)} 秒内 pluginReady 没有回调）`,
            'timeout',
            undefined,
            'pluginReady',
          ),
        ),
      timeoutMs,
    )
    ;(pluginReady as (cb: () => void) => void).call(upsdk, () => {
      clearTimeout(timer)
      res(upsdk)
    })
  })
}

/** `appletAuth` inside a 小程序 web-view: the authorisation code the page hands to its back end. */
export async function appletAuth(options: AppletOptions = {}): Promise<{ code: string }> {
  const upsdk = await whenPluginReady(options)
  const answer = await callUpsdk<unknown>('appletAuth', {}, { upsdk, timeoutMs: options.timeoutMs, skipGate: true })
  const code = answer && typeof answer === 'object' ? (answer as { code?: unknown }).code : undefined
  if (typeof code !== 'string' || code === '')
    throw new UpsdkError('bad_answer', 'appletAuth 的应答缺少 code', 'native', answer, 'appletAuth')
  return { code }
}
