import type { StubCall, StubHost, StubMethodHandler } from '../stub/native/host'
import type { UpsdkGlobal } from '../types'

export interface MiniUpsdk {
  upsdk: UpsdkGlobal
  host: StubHost
  calls: StubCall[]
}

/**
 * A minimal StubHost plus a `upsdk`-shaped object whose methods are whatever the simulators
 * define, with config treated as done. For unit tests and the dev shim only — the real stub core
 * (kit) adds config checking, per-method scripting and the call log UI.
 */
export function createMiniUpsdk(
  options: { target?: EventTarget; sandboxBase?: string; document?: Document } = {},
): MiniUpsdk {
  const calls: StubCall[] = []
  const target = options.target ?? document
  const upsdk: UpsdkGlobal = {
    config: () => undefined,
    ready: (cb: () => void) => cb(),
    error: () => undefined,
  }
  const host: StubHost = {
    define(method: string, handler: StubMethodHandler) {
      upsdk[method] = (arg: Record<string, unknown> = {}) => {
        const { success, fail, ...params } = arg as Record<string, unknown> & {
          success?: (a: unknown) => void
          fail?: (e: unknown) => void
        }
        const call: StubCall = {
          method,
          service: 'UPWPluginBluetooth',
          action: method,
          params,
          at: Date.now(),
          outcome: 'pending',
        }
        calls.push(call)
        void handler(params, {
          success(answer?: unknown) {
            call.outcome = 'success'
            call.answer = answer
            success?.(answer)
          },
          fail(err: unknown) {
            call.outcome = 'fail'
            call.answer = err
            fail?.(err)
          },
        })
      }
    },
    // cordova.fireDocumentEvent: a plain Event whose own properties are the data fields
    emit(eventName: string, data: Record<string, unknown> = {}) {
      target.dispatchEvent(Object.assign(new Event(eventName), data))
    },
    sandboxBase: options.sandboxBase ?? '/sandbox',
    calls,
    document: options.document ?? document,
  }
  return { upsdk, host, calls }
}
