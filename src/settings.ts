/**
 * Deploy-time settings: the server injects them into index.html as
 * `<script id="upkit-settings" type="application/json">` (server/http/client-settings.ts), so one
 * build serves every environment. What is absent or malformed falls back to the build-time default.
 */
export interface RuntimeSettings {
  /** Where upsdk.js comes from; `stub` = the kit's stand-in. Build-time default: `VITE_UPSDK_URL`. */
  upsdkUrl: string
  /** `debug` for upsdk.config; undefined follows the UA's `(updebug 1)`. */
  upsdkDebug: boolean | undefined
}

export const RUNTIME_SETTINGS_ID = 'upkit-settings'

export function runtimeSettings(doc: Document | undefined = globalThis.document): RuntimeSettings {
  const out: RuntimeSettings = { upsdkUrl: import.meta.env.VITE_UPSDK_URL, upsdkDebug: undefined }
  const text = doc?.getElementById(RUNTIME_SETTINGS_ID)?.textContent
  if (!text) return out
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return out
  }
  if (typeof raw !== 'object' || raw === null) return out
  const { upsdkUrl, upsdkDebug } = raw as Record<string, unknown>
  if (
    typeof upsdkUrl === 'string' &&
    (upsdkUrl === 'stub' || /^\/(?!\/)/.test(upsdkUrl) || /^https?:\/\/[^/]/.test(upsdkUrl))
  )
    out.upsdkUrl = upsdkUrl
  if (typeof upsdkDebug === 'boolean') out.upsdkDebug = upsdkDebug
  return out
}
