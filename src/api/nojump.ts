import type { NojumpCard, NojumpFrontForm, NojumpPayment } from '@common/api'
import { apiRequest } from './client'

/** The 绑卡支付 page's calls (docs/nojump.md §Routes). Card details go to the server once per step, never stored. */

export interface CardFields {
  pan: string
  phone: string
  cvn2?: string
  expired?: string
}

const json = (body: unknown) => ({ body })

export const nojumpApi = {
  cards: () => apiRequest<{ cards: NojumpCard[] }>('GET', '/api/nojump/cards'),
  card: (id: string) => apiRequest<NojumpCard>('GET', `/api/nojump/cards/${id}`),
  openSms: (c: CardFields) => apiRequest<NojumpCard>('POST', '/api/nojump/cards/sms', json(c)),
  open: (id: string, c: CardFields, smsCode: string) =>
    apiRequest<NojumpCard>('POST', `/api/nojump/cards/${id}/open`, json({ ...c, smsCode })),
  frontOpen: () => apiRequest<{ binding: NojumpCard; form: NojumpFrontForm }>('POST', '/api/nojump/cards/front'),
  openAndPay: (amount: number) =>
    apiRequest<{ binding: NojumpCard; order: NojumpPayment; form: NojumpFrontForm }>(
      'POST',
      '/api/nojump/open-and-pay',
      json({ amount, description: '开通并支付（演示）' }),
    ),
  remove: (id: string) => apiRequest<NojumpCard>('DELETE', `/api/nojump/cards/${id}`),
  paySms: (bindingId: string, amount: number) =>
    apiRequest<NojumpPayment>(
      'POST',
      '/api/nojump/payments/sms',
      json({ bindingId, amount, description: '绑卡支付（演示）' }),
    ),
  payConfirm: (orderId: string, smsCode: string) =>
    apiRequest<NojumpPayment>('POST', `/api/nojump/payments/${orderId}/confirm`, json({ smsCode })),
  payments: () => apiRequest<{ payments: NojumpPayment[] }>('GET', '/api/nojump/payments'),
  payment: (orderId: string) => apiRequest<NojumpPayment>('GET', `/api/nojump/payments/${orderId}`),
  refund: (orderId: string, amount: number, adminToken: string) =>
    apiRequest<{ reversal: NojumpPayment; order: NojumpPayment }>('POST', `/api/nojump/payments/${orderId}/refund`, {
      body: { amount },
      ...(adminToken ? { headers: { 'x-admin-token': adminToken } } : {}),
    }),
  /** Sandbox only: the SMS code the buyer's phone would show, and the test cards. */
  sandboxSms: (orderId: string) =>
    apiRequest<{ code: string; phone: string }>('GET', `/sandbox/acp/nojump/sms/${orderId}`),
  sandboxCards: () =>
    apiRequest<{
      cards: {
        pan: string
        masked: string
        kind: string
        bank: string
        phone: string
        cvn2: string | null
        expired: string | null
        balance: number
      }[]
    }>('GET', '/sandbox/acp/nojump/cards'),
}

/** Posts a signed front-end form: the browser leaves for the bank's page. */
export function submitFrontForm(form: NojumpFrontForm, doc: Document = document): void {
  const f = doc.createElement('form')
  f.method = 'post'
  f.action = form.action
  for (const [k, v] of Object.entries(form.fields)) {
    const i = doc.createElement('input')
    i.type = 'hidden'
    i.name = k
    i.value = v
    f.appendChild(i)
  }
  doc.body.appendChild(f)
  f.submit()
}
