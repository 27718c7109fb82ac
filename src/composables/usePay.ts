import { getCurrentScope, onScopeDispose, readonly, shallowRef, type ShallowRef } from 'vue'
import { callUpsdk } from '@/upsdk/call'
import { getUpsdkClient } from '@/upsdk/client'
import { detectEnvironment } from '@/upsdk/env'
import { UpsdkError } from '@/upsdk/errors'
import type { UpsdkGlobal } from '@/upsdk/types'
import { PENDING, usePaymentStore, type PayOrder } from '@/stores/payment'

export type PayPhase = 'idle' | 'creating' | 'paying' | 'confirming' | 'done' | 'error'
/** What upsdk answered. Only a hint: its `fail` gets `{msg}` for a cancel and a failure alike. */
export type SdkOutcome = 'success' | 'cancel_or_fail'

export interface UsePayOptions {
  /** The upsdk object to call directly (tests). @default the kit's shared client, configured for the page URL */
  upsdk?: UpsdkGlobal
  /** @default navigator.userAgent */
  userAgent?: string
  /** Server status checks after upsdk answered. @default 6 */
  confirmAttempts?: number
  /** Gap between those checks (our own server, never the platform). @default 1500 */
  confirmIntervalMs?: number
  /** How long the buyer may take in the pay sheet. @default 300000 */
  payTimeoutMs?: number
}

export interface UsePayReturn {
  /** Inside 云闪付 (the only place `upsdk.pay` works). */
  isSupported: boolean
  phase: Readonly<ShallowRef<PayPhase>>
  sdkOutcome: Readonly<ShallowRef<SdkOutcome | null>>
  /** The order as the server last reported it. */
  order: Readonly<ShallowRef<PayOrder | null>>
  /** The upsdk message (e.g. "用户取消了交易") or our error, for display. */
  message: Readonly<ShallowRef<string | null>>
  /** Gets a tn from the server, calls `upsdk.pay({tn})`, then asks the server what really happened. */
  payWithTn(amount: number, description?: string): Promise<PayOrder | null>
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export function usePay(options: UsePayOptions = {}): UsePayReturn {
  const store = usePaymentStore()
  const ua = options.userAgent ?? (typeof navigator !== 'undefined' ? navigator.userAgent : '')
  const isSupported = detectEnvironment(ua).inApp
  const phase = shallowRef<PayPhase>('idle')
  const sdkOutcome = shallowRef<SdkOutcome | null>(null)
  const order = shallowRef<PayOrder | null>(null)
  const message = shallowRef<string | null>(null)
  let disposed = false
  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true
    })
  }

  async function confirm(orderId: string): Promise<PayOrder | null> {
    phase.value = 'confirming'
    const attempts = options.confirmAttempts ?? 6
    let last: PayOrder | null = null
    for (let i = 0; i < attempts && !disposed; i++) {
      try {
        last = await store.fetchOrder(orderId)
        order.value = last
        if (!PENDING.has(last.status)) break
        // A cancel or failure leaves the order pending: one check is enough to show that.
        if (sdkOutcome.value === 'cancel_or_fail' && i >= 1) break
      } catch {
        /* keep trying: the order is settled server-side whatever happens here */
      }
      if (i < attempts - 1) await sleep(options.confirmIntervalMs ?? 1500)
    }
    return last
  }

  async function payWithTn(amount: number, description?: string): Promise<PayOrder | null> {
    if (phase.value === 'creating' || phase.value === 'paying' || phase.value === 'confirming') return null
    sdkOutcome.value = null
    message.value = null
    order.value = null
    if (!isSupported) {
      phase.value = 'error'
      message.value = '请在云闪付 App 内打开本页面后再使用 App 内支付'
      return null
    }
    phase.value = 'creating'
    let orderId: string
    let tn: string
    try {
      ;({ orderId, tn } = await store.createTn(amount, description))
    } catch (err) {
      phase.value = 'error'
      message.value = err instanceof Error ? err.message : '下单失败'
      return null
    }
    phase.value = 'paying'
    try {
      const timeoutMs = options.payTimeoutMs ?? 300_000
      // An injected upsdk is used as is (tests); otherwise the kit's client configures for this URL first.
      if (options.upsdk) await callUpsdk('pay', { tn }, { upsdk: options.upsdk, timeoutMs })
      else await getUpsdkClient().call('pay', { tn }, { timeoutMs })
      sdkOutcome.value = 'success'
    } catch (err) {
      sdkOutcome.value = 'cancel_or_fail'
      message.value = err instanceof UpsdkError ? err.message : '支付未完成'
    }
    const result = await confirm(orderId)
    phase.value = 'done'
    return result
  }

  return {
    isSupported,
    phase: readonly(phase) as Readonly<ShallowRef<PayPhase>>,
    sdkOutcome: readonly(sdkOutcome) as Readonly<ShallowRef<SdkOutcome | null>>,
    order: readonly(order) as Readonly<ShallowRef<PayOrder | null>>,
    message: readonly(message) as Readonly<ShallowRef<string | null>>,
    payWithTn,
  }
}
