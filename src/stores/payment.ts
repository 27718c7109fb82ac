import { defineStore } from 'pinia'
import {
  PENDING_ORDER_STATUSES,
  type AdminStatusView,
  type H5Channel,
  type H5OrderCreatedView,
  type MyOrdersView,
  type OrderListView,
  type OrderResultView,
  type OrderStatus,
  type OrderView,
  type RefundResultView,
  type RefundView,
  type TnOrderCreatedView,
} from '@common/api'
import { ApiError, apiRequest } from '@/api/client'
import { ref, shallowRef } from 'vue'

export type { H5Channel, OrderStatus } from '@common/api'
export type PayRefund = RefundView
/** An order; in the merchant's list it carries its refunds. */
export type PayOrder = OrderView & { refunds?: PayRefund[] }

export const PENDING: ReadonlySet<OrderStatus> = new Set(PENDING_ORDER_STATUSES)

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
    const r = await api<H5OrderCreatedView>('/api/pay/chinaums/orders', {
      method: 'POST',
      body: { amount, channel, ...(orderDesc ? { orderDesc } : {}) },
    })
    const u = new URL(r.redirectUrl, location.href)
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw new ApiError(0, 'BAD_REDIRECT', '服务器返回的支付地址不合法')
    return r
  }

  async function createTn(amount: number, description?: string) {
    return api<TnOrderCreatedView>('/api/pay/tn', {
      method: 'POST',
      body: { amount, ...(description ? { description } : {}) },
    })
  }

  async function fetchOrder(merOrderId: string): Promise<PayOrder> {
    const o = await api<OrderView>(`/api/pay/orders/${encodeURIComponent(merOrderId)}`)
    current.value = o
    return o
  }

  async function adminStatus() {
    return api<AdminStatusView>('/api/pay/admin', { admin: true })
  }

  async function loadOrders() {
    const r = await api<OrderListView>('/api/pay/orders', { admin: true })
    orders.value = r.orders
    return r.orders
  }

  function replace(o: PayOrder) {
    orders.value = orders.value.map((x) => (x.merOrderId === o.merOrderId ? { ...x, ...o } : x))
  }

  async function refund(merOrderId: string, amount: number) {
    const r = await api<RefundResultView>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/refund`, {
      method: 'POST',
      body: { amount },
      admin: true,
    })
    await loadOrders().catch(() => replace(r.order))
    return r
  }

  async function close(merOrderId: string) {
    const r = await api<OrderResultView>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/close`, {
      method: 'POST',
      body: {},
      admin: true,
    })
    replace(r.order)
    return r.order
  }

  async function secureComplete(merOrderId: string, amount: number) {
    const r = await api<OrderResultView>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/secure-complete`, {
      method: 'POST',
      body: { amount },
      admin: true,
    })
    replace(r.order)
    return r.order
  }

  async function secureCancel(merOrderId: string) {
    const r = await api<OrderResultView>(`/api/pay/orders/${encodeURIComponent(merOrderId)}/secure-cancel`, {
      method: 'POST',
      body: {},
      admin: true,
    })
    replace(r.order)
    return r.order
  }

  /** The visitor's own orders (made while logged in, or from this browser). */
  const myOrders = shallowRef<PayOrder[]>([])
  async function loadMyOrders() {
    const r = await api<MyOrdersView>('/api/pay/my/orders')
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
