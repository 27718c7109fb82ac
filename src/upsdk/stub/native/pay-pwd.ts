import type { StubHost } from './host'

export type PayPwdOutcome = 'success' | 'wrong' | 'cancel'

/** Scripting handle of the simulated `upsdk.verifyPayPwd`, exposed as `window.__upsdkStub.payPwd`. */
export interface PayPwdStubHandle {
  /** The next `verifyPayPwd` call answers this (queued, one per call). */
  script(outcome: PayPwdOutcome): void
  /** What it answers when nothing is scripted. @default 'success' */
  setDefault(outcome: PayPwdOutcome): void
  /** transNos verified so far. */
  readonly verified: readonly string[]
}

/**
 * `upsdk.verifyPayPwd({transNo, bizType})` against the sandbox: the stub tells the sandbox what
 * the user typed (`POST {sandboxBase}/unionpay/__upsdk/verify-pay-pwd`); on success the sandbox
 * sends the 5.3.2 notification to the server before the plugin answers. Failures carry `{msg}`.
 */
export function installPayPwd(host: StubHost): PayPwdStubHandle {
  const queue: PayPwdOutcome[] = []
  let fallback: PayPwdOutcome = 'success'
  const verified: string[] = []

  host.define('verifyPayPwd', async (params, reply) => {
    const { transNo, bizType } = params
    if (typeof transNo !== 'string' || typeof bizType !== 'string') return reply.fail({ msg: '参数错误' })
    const outcome = queue.shift() ?? fallback
    let res: Response
    try {
      res = await fetch(`${host.sandboxBase}/unionpay/__upsdk/verify-pay-pwd`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ transNo, bizType, outcome }),
      })
    } catch {
      return reply.fail({ msg: '网络异常，请稍后重试' })
    }
    const body = (await res.json().catch(() => ({}))) as { ok?: unknown; msg?: unknown }
    if (res.ok && body.ok === true) {
      verified.push(transNo)
      return reply.success()
    }
    return reply.fail({ msg: typeof body.msg === 'string' ? body.msg : '支付密码验证失败' })
  })

  return {
    script: (o) => void queue.push(o),
    setDefault: (o) => {
      fallback = o
    },
    verified,
  }
}
