import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { ApiError, apiRequest } from '@/api/client'
import { plugins } from 'upkit/upsdk'
import { errorText } from '@/utils/errorText'

export type PayPwdPhase = 'idle' | 'starting' | 'verifying' | 'confirming' | 'acting' | 'done' | 'error'

export interface PayPwdVerification {
  bizOrderId: string
  purpose: string
  purposeName: string
  status: 'requested' | 'pending' | 'verified' | 'used' | 'failed'
  verifiedAt: number | null
  usedAt: number | null
}

export interface PayPwdStoreOptions {
  /** Status checks after the plugin answered (our own server). @default 10 */
  confirmAttempts?: number
  /** @default 700 */
  confirmIntervalMs?: number
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * A sensitive action guarded by the 云闪付 pay password: the server gets a transNo
 * (verifyPwdSeqId), `upsdk.verifyPayPwd` asks the user, the platform notifies the server, and
 * only then does the server run the action — the plugin's own "success" is never trusted alone.
 */
export const usePayPasswordStore = defineStore('payPassword', () => {
  const phase = shallowRef<PayPwdPhase>('idle')
  const message = shallowRef<string | null>(null)
  const errorCode = shallowRef<string | null>(null)
  const result = shallowRef<PayPwdVerification | null>(null)
  const options: Required<PayPwdStoreOptions> = { confirmAttempts: 10, confirmIntervalMs: 700 }

  function configure(o: PayPwdStoreOptions) {
    Object.assign(options, o)
  }

  function fail(text: string, code: string | null = null) {
    phase.value = 'error'
    message.value = text
    errorCode.value = code
  }

  async function run(purpose: 'withdraw'): Promise<PayPwdVerification | null> {
    if (phase.value !== 'idle' && phase.value !== 'done' && phase.value !== 'error') return null
    phase.value = 'starting'
    message.value = null
    errorCode.value = null
    result.value = null
    try {
      const started = await apiRequest<{ bizOrderId: string; transNo: string; bizType: string }>(
        'POST',
        '/api/pay-password/verifications',
        { body: { purpose } },
      )
      phase.value = 'verifying'
      try {
        await plugins.verifyPayPwd({ transNo: started.transNo, bizType: started.bizType })
      } catch (err) {
        const msg = errorText(err)
        fail(`支付密码未通过：${msg}`, 'PLUGIN_FAILED')
        return null
      }
      phase.value = 'confirming'
      const url = `/api/pay-password/verifications/${encodeURIComponent(started.bizOrderId)}`
      let status = ''
      for (let i = 0; i < options.confirmAttempts; i++) {
        status = (await apiRequest<PayPwdVerification>('GET', url)).status
        if (status !== 'pending') break
        await sleep(options.confirmIntervalMs)
      }
      if (status !== 'verified') {
        fail('尚未收到云闪付的验证结果，操作没有执行。请稍后重新验证。', 'NOT_CONFIRMED')
        return null
      }
      phase.value = 'acting'
      result.value = await apiRequest<PayPwdVerification>('POST', `${url}/use`)
      phase.value = 'done'
      return result.value
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', String(err))
      fail(e.message, e.code)
      return null
    }
  }

  function reset() {
    phase.value = 'idle'
    message.value = null
    errorCode.value = null
    result.value = null
  }

  return { phase, message, errorCode, result, run, reset, configure }
})
