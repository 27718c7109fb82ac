import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { apiRequest } from '@/api/client'

/** GET /api/capabilities: what this deployment can serve. */
export interface Capabilities {
  sandbox: boolean
  inAppPay: boolean
  contractCharging: boolean
  acp: boolean
  /** 绑卡支付 (银联无跳转支付). */
  nojump: boolean
  /** 预授权 on the 绑卡支付 page. */
  preauth: boolean
  chinaums: boolean
}

/** Loaded once; until it answers (or if it fails) nothing is hidden that the page cannot try. */
export const useCapabilitiesStore = defineStore('capabilities', () => {
  const value = shallowRef<Capabilities | null>(null)
  let pending: Promise<Capabilities | null> | null = null

  function load(): Promise<Capabilities | null> {
    pending ??= apiRequest<Capabilities>('GET', '/api/capabilities')
      .then((c) => (value.value = c))
      .catch(() => {
        pending = null
        return null
      })
    return pending
  }

  return { value, load }
})
