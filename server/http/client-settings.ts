import type { Config } from '../config.ts'
import { withStarterUpsdkUrl } from '../../common/starter.ts'

/**
 * Deploy-time settings the H5 app reads at run time (src/settings.ts), so one dist/ serves the
 * sandbox, test and production. Absent fields fall back to the build-time defaults.
 */
export interface ClientSettings {
  /** Where upsdk.js comes from; `stub` = the kit's stand-in (sandbox only). */
  upsdkUrl?: string
  /** `debug` passed to upsdk.config; absent = the UA's `(updebug 1)`. */
  upsdkDebug?: boolean
}

/** The id of the `<script type="application/json">` element that carries the settings. */
export const CLIENT_SETTINGS_ID = 'upkit-settings'

export function clientSettings(config: Config): ClientSettings {
  const out: ClientSettings = {}
  if (config.client.upsdkUrl !== undefined) out.upsdkUrl = config.client.upsdkUrl
  if (config.client.upsdkDebug !== undefined) out.upsdkDebug = config.client.upsdkDebug
  return out
}

/**
 * Puts the settings into the page as inert JSON (not executed, so a strict CSP needs no
 * exception), right before `</head>`, and points the starter's upsdk preload at this deployment's URL. `<` is escaped so no value can close the element.
 */
export function injectClientSettings(html: string, settings: ClientSettings): string {
  const json = JSON.stringify(settings).replace(/</g, '\\u003c')
  const tag = `<script id="${CLIENT_SETTINGS_ID}" type="application/json">${json}</script>`
  // before </head>; a page without one (a minimal index.html) gets it before <body>, else at the end
  const head = html.indexOf('</head>')
  const at = head >= 0 ? head : html.search(/<body[\s>]/i) >= 0 ? html.search(/<body[\s>]/i) : html.length
  const page = `${html.slice(0, at)}${tag}\n${html.slice(at)}`
  // the starter preloads upsdk.js from the build's URL: this deployment's setting replaces it
  return settings.upsdkUrl === undefined ? page : withStarterUpsdkUrl(page, settings.upsdkUrl)
}
