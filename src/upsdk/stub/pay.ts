import type { StubHost } from './host'

export type PayOutcome = 'success' | 'cancel' | 'fail'

/** Scripting handle of the simulated `upsdk.pay`, exposed as `window.__upsdkStub.pay`. */
export interface PayStubHandle {
  /** The next `pay` call answers this (queued, one per call). */
  script(outcome: PayOutcome): void
  /** What `pay` answers when nothing is scripted. @default 'success' */
  setDefault(outcome: PayOutcome): void
  /** tns paid so far. */
  readonly paid: readonly string[]
}

const TN_RE = /^[0-9A-Za-z]{10,64}$/

/**
 * `upsdk.pay({tn})` against the sandbox tn provider: the stub tells the sandbox what the buyer
 * did (`POST {sandboxBase}/chinaums/tn/pay`), and the sandbox sends the order's notify to the
 * server. Like the real one, `fail` gets only `{msg}`: a cancel and a failure look alike.
 */
export function installPay(host: StubHost): PayStubHandle {
  const queue: PayOutcome[] = []
  let fallback: PayOutcome = 'success'
  const paid: string[] = []

  host.define('pay', async (params, reply) => {
    const tn = params.tn
    if (typeof tn !== 'string' || !TN_RE.test(tn)) return reply.fail({ msg: 'TN号不合法' })
    const outcome = queue.shift() ?? fallback
    let res: Response
    try {
      res = await fetch(`${host.sandboxBase}/chinaums/tn/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tn, outcome }),
      })
    } catch {
      return reply.fail({ msg: '网络异常，支付失败' })
    }
    if (res.status === 404) return reply.fail({ msg: 'TN号不合法' })
    if (!res.ok) return reply.fail({ msg: '交易失败' })
    if (outcome === 'success') {
      paid.push(tn)
      return reply.success()
    }
    return reply.fail({ msg: outcome === 'cancel' ? '用户取消了交易' : '交易失败，请稍后重试' })
  })

  return {
    script: (o) => void queue.push(o),
    setDefault: (o) => {
      fallback = o
    },
    paid,
  }
}
