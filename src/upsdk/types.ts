/** Callbacks every upsdk plugin method takes next to its own parameters. */
export interface UpsdkCallbacks<R = unknown> {
  success?: (answer: R) => void
  fail?: (err: unknown) => void
}

export interface UpsdkConfigOptions {
  appId: string
  timestamp: string
  nonceStr: string
  signature: string
  debug?: boolean
  url?: string
}

/** The documented global `window.upsdk`: config/ready/error plus plugin methods. */
export interface UpsdkGlobal {
  config(options: UpsdkConfigOptions): void
  ready(cb: () => void): void
  error(cb: (err: unknown) => void): void
  [method: string]: unknown
}

declare global {
  interface Window {
    upsdk?: UpsdkGlobal
    Zepto?: unknown
    $?: unknown
  }
}
