/** How the page can reach the app's native side (UPSDK.md "Start-up and user agent"). */
export type UpsdkBridge = 'cordova' | 'securitywebcache' | 'none'

/** What the user agent says about where the page runs. */
export interface UpsdkEnvironment {
  /** Inside the 云闪付 app: the UA carries `(com.unionpay.chsp)` or `(com.unionpay.mobilepay)`. */
  inApp: boolean
  os: 'ios' | 'android' | 'other'
  /** The app's `(updebug 1)` token: a debug build of 云闪付. */
  debug: boolean
  /** The number of the `(updebug N)` token; upsdk.js refuses to start inside the app without it. */
  updebug?: number
  /** `(cordova x.y.z)` or `(securitywebcache v)`; with neither upsdk.js defines no `config`. */
  bridge: UpsdkBridge
  /**
   * Inside 云闪付 but upsdk.js cannot reach the native side: `no_updebug` (the UA lacks
   * `(updebug N)`) or `no_bridge` (neither `(cordova …)` nor `(securitywebcache …)`).
   */
  bridgeProblem?: 'no_updebug' | 'no_bridge'
  /** The app's `(version N)` token, when present. */
  appVersion?: string
  /** The app's `(clientVersion N)` token, when present. */
  clientVersion?: string
  /** Every parenthesised token the app appends (`com.unionpay.chsp`, `cordova 4.5.4`, …), for display. */
  tokens: string[]
}

const APP_TOKENS = ['com.unionpay.chsp', 'com.unionpay.mobilepay']

function parenthesised(userAgent: string): string[] {
  return [...userAgent.matchAll(/\(([^()]*)\)/g)].map((m) => (m[1] ?? '').trim())
}

/**
 * The one 云闪付 test of the front end (CONTRACT.md): the UA contains `(com.unionpay.chsp)` or
 * `(com.unionpay.mobilepay)`.
 */
export function isCloudpayUserAgent(
  userAgent: string = typeof navigator === 'undefined' ? '' : navigator.userAgent,
): boolean {
  return parenthesised(userAgent).some((t) => APP_TOKENS.includes(t))
}

/** Parses a user agent; pure, so tests and the server-rendered hints can use it. */
export function detectEnvironment(userAgent: string): UpsdkEnvironment {
  const tokens = parenthesised(userAgent)
  const inApp = isCloudpayUserAgent(userAgent)
  const os = /iPhone|iPad|iPod/i.test(userAgent) ? 'ios' : /Android/i.test(userAgent) ? 'android' : 'other'
  const value = (name: string) =>
    tokens
      .find((t) => t.startsWith(`${name} `))
      ?.slice(name.length + 1)
      .trim()
  const updebugText = value('updebug')
  const updebug = updebugText !== undefined && /^\d+$/.test(updebugText) ? Number(updebugText) : undefined
  const bridge: UpsdkBridge = value('cordova') ? 'cordova' : value('securitywebcache') ? 'securitywebcache' : 'none'
  const env: UpsdkEnvironment = {
    inApp,
    os,
    debug: updebug === 1,
    bridge,
    tokens: inApp ? tokens.filter((t) => !t.includes(';') && !/^KHTML/i.test(t)) : [],
  }
  if (updebug !== undefined) env.updebug = updebug
  if (inApp && updebug === undefined) env.bridgeProblem = 'no_updebug'
  else if (inApp && bridge === 'none') env.bridgeProblem = 'no_bridge'
  const appVersion = value('version')
  const clientVersion = value('clientVersion')
  if (appVersion) env.appVersion = appVersion
  if (clientVersion) env.clientVersion = clientVersion
  return env
}

/** `detectEnvironment(navigator.userAgent)`, or an outside-the-app answer where there is no navigator. */
export function currentEnvironment(): UpsdkEnvironment {
  return detectEnvironment(typeof navigator === 'undefined' ? '' : navigator.userAgent)
}
