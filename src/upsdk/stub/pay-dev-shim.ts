/**
 * TEMPORARY — integrator: delete this file (and its one import in src/views/PayView.vue) once
 * the stub core installs `installPay` itself. Until then, in stub builds only, it gives the page
 * a `window.upsdk.pay` backed by installPay and exposes the handle as `window.__upsdkStub.pay`.
 */
import type { UpsdkGlobal } from '../types'
import type { StubCall, StubHost, StubMethodHandler } from './host'
import { installPay } from './pay'

export function ensurePayStub(): void {
  if (typeof window.upsdk?.pay === 'function') return
  const calls: StubCall[] = []
  const handlers = new Map<string, StubMethodHandler>()
  const host: StubHost = {
    define: (m, h) => void handlers.set(m, h),
    emit: (name, detail) => void document.dispatchEvent(new CustomEvent(name, { detail })),
    sandboxBase: '/sandbox',
    calls,
  }
  const handle = installPay(host)
  const upsdk: UpsdkGlobal = window.upsdk ?? { config() {}, ready: (cb) => cb(), error() {} }
  upsdk.pay = (p: Record<string, unknown>) => {
    const { success, fail, ...params } = p as { success?: (a?: unknown) => void; fail?: (e: unknown) => void }
    const call: StubCall = { method: 'pay', params, at: Date.now(), outcome: 'pending' }
    calls.push(call)
    void handlers.get('pay')?.(params, {
      success: (a) => {
        call.outcome = 'success'
        success?.(a)
      },
      fail: (e) => {
        call.outcome = 'fail'
        fail?.(e)
      },
    })
  }
  window.upsdk = upsdk
  const w = window as unknown as { __upsdkStub?: Record<string, unknown> }
  w.__upsdkStub = { ...(w.__upsdkStub ?? {}), pay: handle }
}
