import { computed, shallowReadonly, shallowRef, type ComputedRef, type ShallowRef } from 'vue'
import type { UpsdkClient } from '@/upsdk/client'
import { UpsdkError } from '@/upsdk/errors'
import { PENDING, usePaymentStore, type PayOrder } from '@/stores/payment'
import { errorText } from '@/utils/errorText'
import { resolveUpsdkClient } from './shared/client'
import { tryOnScopeDispose } from './shared/scope'

export type PayPhase = 'idle' | 'creating' | 'paying' | 'confirming' | 'done' | 'error'
/** What upsdk answered. Only a hint: its `fail` gets `{msg}` for a cancel and a failure alike. */
export type SdkOutcome = 'success' | 'cancel_or_fail'

export interface UsePayOptions {
  /** The client that configures for the page URL and calls `pay`. @default the injected client, else the shared one */
  client?: UpsdkClient
  /** Server status checks after upsdk answered. @default 6 */
  confirmAttempts?: number
  /** Gap between those checks (our own server, never the platform). @default 1500 */
  confirmIntervalMs?: number
  /** How long the buyer may take in the pay sheet. @default 300000 */
  payTimeoutMs?: number
  /** Called once the server created the order, before the pay sheet opens (e.g. to remember it across a reload). */
  onOrderCreated?: (orderId: string, amount: number) => void
}

export interface UsePayReturn {
  /** Inside 云闪付 (the only place `upsdk.pay` works). */
  isSupported: ComputedRef<boolean>
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
  const client = resolveUpsdkClient(options.client)
  const isSupported = computed(() => client.env.inApp)
  const phase = shallowRef<PayPhase>('idle')
  const sdkOutcome = shallowRef<SdkOutcome | null>(null)
  const order = shallowRef<PayOrder | null>(null)
  const message = shallowRef<string | null>(null)
  let disposed = false
  tryOnScopeDispose(() => {
    disposed = true
  })

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
    if (!isSupported.value) {
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
      message.value = errorText(err, '下单失败')
      return null
    }
    options.onOrderCreated?.(orderId, amount)
    phase.value = 'paying'
    try {
      // the client configures for this URL first (and waits for the app's answer)
      await client.call('pay', { tn }, { timeoutMs: options.payTimeoutMs ?? 300_000 })
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
    phase: shallowReadonly(phase),
    sdkOutcome: shallowReadonly(sdkOutcome),
    order: shallowReadonly(order),
    message: shallowReadonly(message),
    payWithTn,
  }
}
