import { defineStore } from 'pinia'
import { ApiError, apiRequest } from '@/api/client'
import { ref, shallowRef } from 'vue'

export type OrderStatus = 'NEW_ORDER' | 'WAIT_BUYER_PAY' | 'UNKNOWN' | 'TRADE_SUCCESS' | 'TRADE_REFUND' | 'TRADE_CLOSED'
export type H5Channel = 'uac' | 'qmf' | 'alipay'

export interface PayRefund {
  refundOrderId: string
  amount: number
  status: 'PENDING' | 'SUCCESS' | 'FAILED'
  errCode: string | null
  createdAt: number
}

export interface PayOrder {
  merOrderId: string
  kind: 'h5' | 'tn'
  channel: string
  /** 分 */
  amount: number
  refundedAmount: number
  status: OrderStatus
  description: string | null
  payTime: string | null
  /** 担保交易 only: seed 2.3 secureStatus, and what 担保完成 settled (the rest went back to the buyer). */
  secureStatus?: 'UNCOMPLETED' | 'PARTLY_COMPLETED' | 'ALL_COMPLETED' | 'CANCELED' | null
  completedAmount?: number | null
  /** 担保交易 only: a 担保撤销/担保完成 whose outcome is not known yet (the server is querying 银商). */
  securePending?: 'cancel' | 'complete' | null
  createdAt: number
  updatedAt: number
  refunds?: PayRefund[]
}

export const PENDING: ReadonlySet<OrderStatus> = new Set(['NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN'])

const ADMIN_TOKEN_KEY = 'upkit.adminToken'

function readStored(): string {
  try {
    return sessionStorage.getItem(ADMIN_TOKEN_KEY) ?? ''
  } catch {
    return ''
  }
}

export const usePaymentStore = defineStore('payment', () => {
  const current = shallowRef<PayOrder | null>(null)
  const orders = shallowRef<PayOrder[]>([])
  const adminToken = ref(readStored())

  function api<T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown; admin?: boolean } = {}): Promise<T> {
    return apiRequest<T>(init.method ?? 'GET', path, {
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.admin && adminToken.value ? { headers: { 'x-admin-token': adminToken.value } } : {}),
    })
  }

  function setAdminToken(token: string) {
    adminToken.value = token.trim()
    try {
      sessionStorage.setItem(ADMIN_TOKEN_KEY, adminToken.value)
    } catch {
      /* private mode: keep it in memory */
    }
  }

  async function createH5Order(amount: number, channel: H5Channel, orderDesc?: string) {
    const r = await api<{ merOrderId: string; redirectUrl: string }>('/api/pay/chinaums/orders', {
      method: 'POST',
      body: { amount, channel, ...(orderDesc ? { orderDesc } : {}) },
    })
    const u = new URL(r.redirectUrl, location.href)
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ApiError(0, 'BAD_REDIRECT', '服务器返回的支付地址不合法')
    return r
  }

  async function createTn(amount: number, description?: string) {
    return api<{ orderId: string; tn: string }>('/api/pay/tn', { method: 'POST', body: { amount, ...(description ? { description } : {}) } })
  }

  async function fetchOrder(merOrderId: string): Promise<PayOrder> {
    const o = await api<PayOrder>(`/api/pay/orders/${encodeURIComponent(merOrderId)}`)
    current.value = o
    return o
  }

  async function adminStatus() {
    return api<{ allowed: boolean; tokenRequired: boolean }>('/api/pay/admin', { admin: true })
  }

  async function loadOrders() {
    const r = await api<{ orders: PayOrder[] }>('/api/pay/orders', { admin: true })
    orders.value = r.orders
    return r.orders
  }

  function replace(o: PayOrder) {
    orders.value = orders.value.map((x) => (x.merOrderId === o.merOrderId ? { ...x, ...o } : x))
  }

  async function refund(merOrderId: string, amount: number) {
    const r = await api<{ refund: PayRefund; order: PayOrder }>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/refund`, {
      method: 'POST',
      body: { amount },
      admin: true,
    })
    await loadOrders().catch(() => replace(r.order))
    return r
  }

  async function close(merOrderId: string) {
    const r = await api<{ order: PayOrder }>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/close`, { method: 'POST', body: {}, admin: true })
    replace(r.order)
    return r.order
  }

  async function secureComplete(merOrderId: string, amount: number) {
    const r = await api<{ order: PayOrder }>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/secure-complete`, { method: 'POST', body: { amount }, admin: true })
    replace(r.order)
    return r.order
  }

  async function secureCancel(merOrderId: string) {
    const r = await api<{ order: PayOrder }>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/secure-cancel`, { method: 'POST', body: {}, admin: true })
    replace(r.order)
    return r.order
  }

  /** The visitor's own orders (made while logged in, or from this browser). */
  const myOrders = shallowRef<PayOrder[]>([])
  async function loadMyOrders() {
    const r = await api<{ orders: PayOrder[] }>('/api/pay/my/orders')
    myOrders.value = r.orders
    return r.orders
  }

  return {
    current,
    orders,
    myOrders,
    adminToken,
    setAdminToken,
    createH5Order,
    createTn,
    fetchOrder,
    adminStatus,
    loadOrders,
    loadMyOrders,
    refund,
    close,
    secureComplete,
    secureCancel,
  }
})
