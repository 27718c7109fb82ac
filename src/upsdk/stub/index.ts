import type { UpsdkGlobal } from '../types'
import { installBle, type BleStubHandle } from './ble'
import { createUpsdkStub, type UpsdkStubHandle, type UpsdkStubOptions } from './core'
import { installHce, type HceStubHandle } from './hce'
import { installPay, type PayStubHandle } from './pay'
import { installPayPwd, type PayPwdStubHandle } from './pay-pwd'

export type { StubConfigState, StubScript, StubStep, UpsdkStubHandle, UpsdkStubOptions } from './core'
export { createUpsdkStub } from './core'

/** `window.__upsdkStub`: the core handle plus the simulators' handles. */
export interface InstalledUpsdkStub extends UpsdkStubHandle {
  ble: BleStubHandle
  hce: HceStubHandle
  pay: PayStubHandle
  payPwd: PayPwdStubHandle
}

declare global {
  interface Window {
    __upsdkStub?: InstalledUpsdkStub
  }
}

/**
 * Defines `window.upsdk` (the stub) and `window.__upsdkStub` (its scripting handle), once.
 * Like upsdk.js it needs Zepto or jQuery on the page first.
 */
export function installUpsdkStub(options: UpsdkStubOptions = {}): { upsdk: UpsdkGlobal; handle: InstalledUpsdkStub } {
  if (window.upsdk && window.__upsdkStub) return { upsdk: window.upsdk, handle: window.__upsdkStub }
  if (!window.Zepto && !(window as { jQuery?: unknown }).jQuery) {
    throw new Error('upsdk.js 依赖 Zepto（≥1.0）或 jQuery（≥1.4），请先引入')
  }
  const { upsdk, handle, host } = createUpsdkStub(options)
  const installed: InstalledUpsdkStub = Object.assign(handle, {
    ble: installBle(host),
    hce: installHce(host),
    pay: installPay(host),
    payPwd: installPayPwd(host),
  })
  window.upsdk = upsdk
  window.__upsdkStub = installed
  return { upsdk, handle: installed }
}
