import { ALL_PLUGIN_NAMES } from '../../plugin-names'
import type { StubStep } from './cordova'
import type { StubReply } from './host'

export type NativeConfigState = 'none' | 'pending' | 'ready' | 'error'

/**
 * The app's side of `UPWebSdk.config`: the signature is checked by the sandbox (`POST
 * {sandboxBase}/unionpay/__upsdk/verify-config`), the answer carries `jsApiList`, and the app
 * counts as configured only for the address of its latest config, once that config succeeded.
 */
export function createNativeConfig(options: { fetch: typeof fetch; sandboxBase: string }) {
  let state: NativeConfigState = 'none'
  let url: string | undefined
  let pendingUrl = ''
  let seq = 0
  let granted: readonly string[] | undefined

  function settle(mySeq: number, ok: boolean, forUrl: string) {
    if (mySeq !== seq) return
    state = ok ? 'ready' : 'error'
    url = ok ? forUrl : undefined
  }

  async function verify(
    params: Record<string, unknown>,
    forUrl: string,
  ): Promise<{ ok: boolean; errcode?: string; errmsg?: string }> {
    try {
      const res = await options.fetch(`${options.sandboxBase}/unionpay/__upsdk/verify-config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          appId: params.appId,
          timestamp: params.timestamp,
          nonceStr: params.nonceStr,
          signature: params.signature,
          url: forUrl,
        }),
      })
      const body = (await res.json()) as { ok?: unknown; errcode?: unknown; errmsg?: unknown }
      if (body.ok === true) return { ok: true }
      return {
        ok: false,
        errcode: typeof body.errcode === 'string' ? body.errcode : 'c01',
        errmsg: typeof body.errmsg === 'string' ? body.errmsg : 'upsdk.config 验签失败',
      }
    } catch (err) {
      return { ok: false, errcode: 'c01', errmsg: `无法验证签名：${err instanceof Error ? err.message : String(err)}` }
    }
  }

  return {
    get state() {
      return state
    },
    get url() {
      return url
    },
    grant(plugins: readonly string[] | undefined) {
      granted = plugins
    },
    /** A config call reached the app: until its answer, the app is configured for nothing. */
    begin(forUrl: string) {
      seq++
      state = 'pending'
      url = undefined
      pendingUrl = forUrl
    },
    /** Whether a plugin call from `pageUrl` is accepted now. */
    allows(pageUrl: string, strictUrl: boolean): boolean {
      return state === 'ready' && (!strictUrl || url === pageUrl)
    },
    /** Answers the config call (after a scripted step, if any). */
    answer(params: Record<string, unknown>, step: StubStep | undefined, reply: StubReply) {
      const mySeq = seq
      const forUrl = pendingUrl
      const jsApiList = [...(granted ?? ALL_PLUGIN_NAMES)]
      if (step && 'fail' in step) {
        settle(mySeq, false, forUrl)
        return reply.fail(step.fail)
      }
      if (step && 'answer' in step) {
        settle(mySeq, true, forUrl)
        return reply.success(step.answer)
      }
      void verify(params, forUrl).then((r) => {
        settle(mySeq, r.ok, forUrl)
        if (r.ok) reply.success({ jsApiList })
        else reply.fail({ errcode: r.errcode, errmsg: r.errmsg })
      })
    },
  }
}
