import type { PreauthHoldView } from '@common/api'
import { apiRequest } from './client'

/** The 绑卡 cards this section needs: their id, masked number and state. */
export interface PreauthCard {
  bindingId: string
  status: string
  maskedPan: string | null
}

/** 预授权 routes of the signed-in user (docs/preauth.md). */
export const preauthApi = {
  cards: async () => (await apiRequest<{ cards: PreauthCard[] }>('GET', '/api/nojump/cards')).cards,
  holds: async () => (await apiRequest<{ holds: PreauthHoldView[] }>('GET', '/api/nojump/preauth')).holds,
  hold: (bindingId: string, amount: number) =>
    apiRequest<PreauthHoldView>('POST', '/api/nojump/preauth', { body: { bindingId, amount } }),
  complete: (orderId: string, amount: number) =>
    apiRequest<PreauthHoldView>('POST', `/api/nojump/preauth/${encodeURIComponent(orderId)}/complete`, {
      body: { amount },
    }),
  voidHold: (orderId: string) =>
    apiRequest<PreauthHoldView>('POST', `/api/nojump/preauth/${encodeURIComponent(orderId)}/void`, { body: {} }),
  voidCompletion: (orderId: string) =>
    apiRequest<PreauthHoldView>('POST', `/api/nojump/preauth/${encodeURIComponent(orderId)}/completion/void`, {
      body: {},
    }),
  get: (orderId: string) => apiRequest<PreauthHoldView>('GET', `/api/nojump/preauth/${encodeURIComponent(orderId)}`),
}
