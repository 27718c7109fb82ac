/** Where an upsdk failure came from. */
export type UpsdkErrorSource =
  | 'sdk' // {errcode, errmsg} from upsdk.js itself (c00 bad params, c01 config failed, c05 before config, c101, c102)
  | 'native' // {code, msg} from the 云闪付 app
  | 'plugin' // a bare string or {msg} from a plugin's fail callback
  | 'timeout' // no answer in time (e.g. outside 云闪付, where the newest upsdk never answers)
  | 'environment' // not inside 云闪付, upsdk failed to load, ...
  | 'validation' // the kit refused the parameters before calling the bridge
  | 'server' // our own server answered an error (e.g. while signing upsdk.config)

/**
 * The one error type of the kit: every failed upsdk call, config, load or parameter check
 * rejects with an `UpsdkError` carrying a code, a readable message and the raw answer.
 */
export class UpsdkError extends Error {
  // Declared and assigned, not class fields: built for ES2020, fields need a helper in every bundle.
  declare readonly code: string
  declare readonly source: UpsdkErrorSource
  /** The answer exactly as upsdk / the server gave it. */
  declare readonly raw?: unknown
  /** The plugin (or 'config', 'load') that failed. */
  declare readonly method?: string

  constructor(code: string, message: string, source: UpsdkErrorSource, raw?: unknown, method?: string) {
    super(message)
    this.name = 'UpsdkError'
    Object.assign(this, { code, source, raw, method })
  }
}

export function isUpsdkError(e: unknown): e is UpsdkError {
  return e instanceof UpsdkError
}

/** Turns any failure answer of upsdk (`{errcode}`, `{code}`, `{msg}`, a string) into an `UpsdkError`, keeping the raw answer. */
export function toUpsdkError(method: string, raw: unknown): UpsdkError {
  if (raw instanceof UpsdkError) return raw
  if (typeof raw === 'string') return new UpsdkError('plugin_fail', raw || `${method} 调用失败`, 'plugin', raw, method)
  if (raw && typeof raw === 'object') {
    const o = raw as Record<string, unknown>
    if (typeof o.errcode === 'string' || typeof o.errcode === 'number') {
      const msg = typeof o.errmsg === 'string' && o.errmsg ? o.errmsg : `${method} 调用失败`
      return new UpsdkError(String(o.errcode), msg, 'sdk', raw, method)
    }
    if (typeof o.code === 'string' || typeof o.code === 'number') {
      const msg = typeof o.msg === 'string' && o.msg ? o.msg : `${method} 调用失败`
      return new UpsdkError(String(o.code), msg, 'native', raw, method)
    }
    if (typeof o.msg === 'string')
      return new UpsdkError('plugin_fail', o.msg || `${method} 调用失败`, 'plugin', raw, method)
  }
  return new UpsdkError('plugin_fail', `${method} 调用失败`, 'plugin', raw, method)
}

/**
 * Any caught value as an `UpsdkError`: kept when it already is one, a thrown `Error` keeps its
 * message, anything else is read as an upsdk failure answer.
 */
export function asUpsdkError(e: unknown, method?: string): UpsdkError {
  if (e instanceof UpsdkError) return e
  if (e instanceof Error) return new UpsdkError('plugin_fail', e.message, 'plugin', e, method)
  return toUpsdkError(method ?? 'upsdk', e)
}

/** The error every entry point gives outside 云闪付. */
export function notInAppError(method = 'config'): UpsdkError {
  return new UpsdkError(
    'not_in_app',
    '请在云闪付 App 内打开：当前浏览器不是云闪付，upsdk 插件不可用',
    'environment',
    undefined,
    method,
  )
}

/**
 * Inside 云闪付, but upsdk.js cannot reach the app: without `(updebug N)` it throws at load, and
 * without `(cordova …)` / `(securitywebcache …)` it stops early; either way `upsdk.config` is
 * missing (UPSDK.md). Said plainly instead of the TypeError a naive page gets.
 */
export function noBridgeError(reason: 'no_updebug' | 'no_bridge' | 'no_config', method = 'config'): UpsdkError {
  const why =
    reason === 'no_updebug'
      ? '页面的 User-Agent 缺少 (updebug N) 标记'
      : reason === 'no_bridge'
        ? '页面的 User-Agent 既没有 (cordova x.y.z) 也没有 (securitywebcache v) 标记'
        : 'upsdk.js 已加载，但没有提供 upsdk.config'
  return new UpsdkError(
    'no_bridge',
    `云闪付内，但页面无法连接 upsdk 桥：${why}。请从云闪付本身（首页、扫一扫或配置的入口）打开本页，不要在第三方浏览器内核或自建 WebView 中打开；仍不行请升级云闪付。`,
    'environment',
    reason,
    method,
  )
}
