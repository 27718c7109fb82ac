import { randomBytes } from 'node:crypto'
import { SANDBOX_CHINAUMS } from '../credentials.ts'
import { notifySignature } from '../crypto/chinaums.ts'
import { beijingDashed } from '../crypto/time.ts'
import { digits, type ChinaumsSandboxState, type SandboxOrder, type SandboxRefund } from './state.ts'

/** Gaps between notify attempts (the real gateway retries for 24 h; the sandbox compresses that). */
export const NOTIFY_GAPS_MS = [0, 500, 1000, 2000, 4000, 8000, 15_000, 30_000]

/** The result fields shared by notifies and return pages (seed 1.8.3 / 1.9.3). */
export function resultParams(state: ChinaumsSandboxState, o: SandboxOrder): Record<string, string> {
  const p: Record<string, string> = {
    mid: o.mid,
    tid: o.tid,
    instMid: o.instMid,
    merOrderId: o.merOrderId,
    totalAmount: String(o.totalAmount),
    status: o.status,
    seqId: o.seqId,
    targetSys: o.targetSys,
  }
  if (o.payTime) {
    p.payTime = o.payTime
    p.settleDate = o.payTime.slice(0, 10)
    p.buyerPayAmount = String(o.totalAmount)
    p.invoiceAmount = String(o.totalAmount)
    p.receiptAmount = String(o.totalAmount)
    p.couponAmount = '0'
    p.billFunds = `余额:${o.totalAmount}`
    p.billFundsDesc = `余额支付${(o.totalAmount / 100).toFixed(2)}元。`
    p.bankInfo = 'SANDBOX'
  }
  if (o.targetOrderId) p.targetOrderId = o.targetOrderId
  if (o.secureStatus) {
    p.secureStatus = o.secureStatus
    p.completeAmount = String(o.completedAmount)
  }
  if (state.signType === 'SHA256') p.signType = 'SHA256'
  return p
}

export function signParams(state: ChinaumsSandboxState, p: Record<string, string>): Record<string, string> {
  return { ...p, sign: notifySignature(p, SANDBOX_CHINAUMS.md5Key, state.signType) }
}

/**
 * POSTs signed form notifies to the order's notifyUrl and retries (growing gaps, bounded)
 * until the answer is exactly `SUCCESS`. `stop()` cancels every pending retry.
 */
export class Notifier {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private stopped = false

  constructor(
    private readonly state: ChinaumsSandboxState,
    private readonly timeoutMs = 5000,
  ) {}

  private build(o: SandboxOrder, refund?: SandboxRefund): Record<string, string> {
    const p = resultParams(this.state, o)
    p.notifyId = randomBytes(16).toString('hex')
    p.attachedData = ''
    if (refund) {
      p.status = 'TRADE_REFUND'
      p.refundOrderId = refund.refundOrderId
      p.refundAmount = String(refund.amount)
    }
    // Seed 1.9.3: "随机key — 随机字段，参与签名".
    p[`r${digits(6)}`] = randomBytes(6).toString('hex')
    return signParams(this.state, p)
  }

  /** Sends a notify for the order's current state; resolves after the first attempt. */
  async send(o: SandboxOrder, refund?: SandboxRefund): Promise<void> {
    if (!o.notifyUrl || this.stopped) return
    const params = this.build(o, refund)
    await this.attempt(o.notifyUrl, params, 0)
  }

  private async attempt(url: string, params: Record<string, string>, n: number): Promise<void> {
    if (this.stopped) return
    const fault = this.state.takeFault('notify')
    let answer = ''
    if (fault) answer = 'DROPPED'
    else {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: new URLSearchParams(params).toString(),
          signal: AbortSignal.timeout(this.timeoutMs),
        })
        answer = (await res.text()).trim()
      } catch (err) {
        answer = `ERROR ${(err as Error).name}`
      }
    }
    this.state.notifyLog.push({
      merOrderId: params.merOrderId ?? '',
      notifyId: params.notifyId ?? '',
      attempt: n + 1,
      answer,
      at: this.state.clock(),
    })
    if (answer === 'SUCCESS') return
    const gap = NOTIFY_GAPS_MS[n + 1]
    if (gap === undefined || this.stopped) return
    const t = setTimeout(() => {
      this.timers.delete(t)
      void this.attempt(url, params, n + 1)
    }, gap)
    t.unref()
    this.timers.add(t)
  }

  stop(): void {
    this.stopped = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}

export function nowPayTime(state: ChinaumsSandboxState): string {
  return beijingDashed(state.clock())
}
