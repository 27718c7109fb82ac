/** What the user agent says about where the page runs. */
export interface UpsdkEnvironment {
  /** Inside the 云闪付 app: the UA carries `(com.unionpay.chsp)` or `(com.unionpay.mobilepay)`. */
  inApp: boolean
  os: 'ios' | 'android' | 'other'
  /** The app's `(updebug 1)` token: a debug build of 云闪付. */
  debug: boolean
  /** The app's `(version N)` token, when present. */
  appVersion?: string
  /** The app's `(clientVersion N)` token, when present. */
  clientVersion?: string
  /** Every parenthesised token the app appends (`com.unionpay.chsp`, `cordova 4.5.4`, …), for display. */
  tokens: string[]
}

const APP_TOKENS = ['com.unionpay.chsp', 'com.unionpay.mobilepay']

/** Parses a user agent; pure, so tests and the server-rendered hints can use it. */
export function detectEnvironment(userAgent: string): UpsdkEnvironment {
  const tokens = [...userAgent.matchAll(/\(([^()]*)\)/g)].map((m) => (m[1] ?? '').trim())
  const inApp = tokens.some((t) => APP_TOKENS.includes(t))
  const os = /iPhone|iPad|iPod/i.test(userAgent) ? 'ios' : /Android/i.test(userAgent) ? 'android' : 'other'
  const value = (name: string) => tokens.find((t) => t.startsWith(`${name} `))?.slice(name.length + 1).trim()
  const env: UpsdkEnvironment = {
    inApp,
    os,
    debug: value('updebug') === '1',
    tokens: inApp ? tokens.filter((t) => !t.includes(';') && !/^KHTML/i.test(t)) : [],
  }
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
