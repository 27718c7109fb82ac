import { sandboxSign } from './crypto.ts'
import type { AcpSandboxState, SandboxTxn } from './state.ts'

/** Delays before the 2nd, 3rd, ... attempt (the real gateway keeps trying for a while). */
const RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 32_000, 64_000]
/** FAQ 33: the notification POST times out after 10 s. */
const NOTIFY_TIMEOUT_MS = 10_000

/** Sends signed back notifications (`backUrl`, url-encoded form) and retries until HTTP 200. */
export class AcpNotifier {
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(private readonly state: AcpSandboxState) {}

  fields(t: SandboxTxn): Record<string, string> {
    const f: Record<string, string> = {
      version: '5.1.0',
      encoding: 'UTF-8',
      signMethod: '01',
      accessType: '0',
      merId: t.merId,
      orderId: t.orderId,
      txnTime: t.txnTime,
      txnType: t.txnType,
      txnSubType: t.txnSubType,
      bizType: t.bizType,
      queryId: t.queryId,
      traceNo: t.queryId.slice(-6),
      traceTime: t.txnTime.slice(4),
      respCode: t.respCode,
      respMsg: t.respMsg,
      signPubKeyCert: this.state.pki.signCertPem,
    }
    // Money transactions name their amount; an open (79) has none.
    if (t.txnAmt > 0)
      Object.assign(f, {
        txnAmt: String(t.txnAmt),
        currencyCode: '156',
        settleAmt: String(t.txnAmt),
        settleCurrencyCode: '156',
        settleDate: t.txnTime.slice(4, 8),
      })
    if (t.origQryId) f.origQryId = t.origQryId
    if (t.reqReserved) f.reqReserved = t.reqReserved
    if (t.notifyExtra) Object.assign(f, t.notifyExtra)
    return { ...f, signature: sandboxSign(f, this.state.pki.signKeyPem) }
  }

  /** One attempt now; on failure the next is scheduled. Resolves after this attempt. */
  async send(t: SandboxTxn, opts: { force?: boolean } = {}): Promise<boolean> {
    if (t.dropNotify && !opts.force) return false
    t.notifyAttempts++
    let ok = false
    try {
      const res = await fetch(t.backUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: new URLSearchParams(this.fields(t)).toString(),
        signal: AbortSignal.timeout(NOTIFY_TIMEOUT_MS),
      })
      ok = res.status === 200
      await res.arrayBuffer()
    } catch {
      ok = false
    }
    if (ok) t.notified = true
    else this.retryLater(t)
    return ok
  }

  private retryLater(t: SandboxTxn): void {
    const delay = RETRY_DELAYS_MS[t.notifyAttempts - 1]
    if (delay === undefined) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!t.notified) void this.send(t)
    }, delay)
    timer.unref()
    this.timers.add(timer)
  }

  /** Retries every undelivered (not dropped) notification now; tests use it instead of waiting. */
  async flush(): Promise<number> {
    let sent = 0
    for (const t of this.state.txns.values()) {
      if (t.notifyAttempts > 0 && !t.notified && !t.dropNotify && (await this.send(t))) sent++
    }
    return sent
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
