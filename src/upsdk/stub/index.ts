import { detectEnvironment } from '../env'
import type { UpsdkGlobal } from '../types'
import { createNativeSide, type CordovaLike, type NativeHandle } from './native/cordova'
import { installBle, type BleStubHandle } from './native/ble'
import { installHce, type HceStubHandle } from './native/hce'
import type { StubHost } from './native/host'
import { installPay, type PayStubHandle } from './native/pay'
import { installPayPwd, type PayPwdStubHandle } from './native/pay-pwd'
import { createUpsdkJs, type UpsdkJsState } from './upsdk-js'

export type { StubScript, StubStep, NativeHandle, CordovaLike } from './native/cordova'
export type { NativeConfigState as StubConfigState } from './native/config'
export type { StubCall, StubHost } from './native/host'

export interface UpsdkStubOptions {
  /** @default navigator.userAgent */
  userAgent?: string
  /** The page address. @default () => location.href */
  getUrl?: () => string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** Where the sandbox is mounted. @default '/sandbox' */
  sandboxBase?: string
  /** @default document */
  document?: Document
  /** See `UpsdkJsOptions.outsideApp`. @default 'newest' */
  outsideApp?: 'newest' | 'legacy'
  /** Time until cordova fires `deviceready`; 0 fires it at once. @default 0 */
  bridgeDelayMs?: number
  /** Plugin calls while the app is configured for another address fail with c05. @default true */
  strictUrl?: boolean
}

/** The scripting handle (`window.__upsdkStub`): the native side's, plus what the JS layer shows. */
export interface UpsdkStubHandle extends NativeHandle {
  /** The JS layer: `deviceready` seen, the configured flag, attached DOM listeners. */
  readonly js: UpsdkJsState
  /** Methods whose JS-layer listener is attached, by DOM event name. */
  readonly listeners: Record<string, boolean>
  /** Fires `deviceready` now (when `bridgeDelayMs` is still running, or was `Infinity`). */
  fireDeviceReady(): void
}

export interface UpsdkStub {
  upsdk: UpsdkGlobal
  handle: UpsdkStubHandle
  host: StubHost
  cordova: CordovaLike
}

/**
 * The two-layer stand-in for upsdk.js inside 云闪付: the simulated native side (cordova) and the
 * JS layer over it, wired like the real page (the JS layer waits for `deviceready`).
 */
export function createUpsdkStub(options: UpsdkStubOptions = {}): UpsdkStub {
  const userAgent = options.userAgent ?? (typeof navigator === 'undefined' ? '' : navigator.userAgent)
  const doc = options.document ?? document
  const getUrl = options.getUrl ?? (() => location.href)
  const native = createNativeSide({
    document: doc,
    getUrl,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    sandboxBase: options.sandboxBase ?? '/sandbox',
    os: detectEnvironment(userAgent).os,
    strictUrl: options.strictUrl ?? true,
  })
  const js = createUpsdkJs({
    userAgent,
    document: doc,
    getUrl,
    cordova: () => native.cordova,
    outsideApp: options.outsideApp,
  })
  let fired = false
  const fireDeviceReady = () => {
    if (fired) return
    fired = true
    doc.dispatchEvent(new Event('deviceready'))
  }
  const delay = options.bridgeDelayMs ?? 0
  if (delay <= 0) fireDeviceReady()
  else if (Number.isFinite(delay)) setTimeout(fireDeviceReady, delay)
  const handle = Object.assign(native.handle, {
    js: js.state,
    fireDeviceReady,
  }) as UpsdkStubHandle
  Object.defineProperty(handle, 'listeners', { get: () => js.state.listeners, enumerable: true })
  return { upsdk: js.upsdk, handle, host: native.host, cordova: native.cordova }
}

/** `window.__upsdkStub`: the stub's handle plus the simulators' handles. */
export interface InstalledUpsdkStub extends UpsdkStubHandle {
  ble: BleStubHandle
  hce: HceStubHandle
  pay: PayStubHandle
  payPwd: PayPwdStubHandle
}

declare global {
  interface Window {
    __upsdkStub?: InstalledUpsdkStub
    /** Runs with the handle as soon as the stub is installed, before the page's first config (tests set it with addInitScript). */
    __upsdkStubSetup?: (handle: InstalledUpsdkStub) => void
    cordova?: CordovaLike
  }
}

/**
 * Defines `window.cordova` (the simulated native side), `window.upsdk` (the JS layer) and
 * `window.__upsdkStub` (the scripting handle), once. Like upsdk.js it needs Zepto or jQuery on
 * the page first. `deviceready` fires shortly after, as cordova.js does.
 */
export function installUpsdkStub(options: UpsdkStubOptions = {}): { upsdk: UpsdkGlobal; handle: InstalledUpsdkStub } {
  if (window.upsdk && window.__upsdkStub) return { upsdk: window.upsdk, handle: window.__upsdkStub }
  if (!window.Zepto && !(window as { jQuery?: unknown }).jQuery) {
    throw new Error('upsdk.js 依赖 Zepto（≥1.0）或 jQuery（≥1.4），请先引入')
  }
  const { upsdk, handle, host, cordova } = createUpsdkStub({ bridgeDelayMs: 30, ...options })
  const installed = Object.assign(handle, {
    ble: installBle(host),
    hce: installHce(host),
    pay: installPay(host),
    payPwd: installPayPwd(host),
  }) as InstalledUpsdkStub
  window.cordova = cordova
  window.upsdk = upsdk
  window.__upsdkStub = installed
  window.__upsdkStubSetup?.(installed)
  return { upsdk, handle: installed }
}
