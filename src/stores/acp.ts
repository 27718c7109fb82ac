import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { apiRequest } from '@/api/client'
import { usePaymentStore } from '@/stores/payment'

export type AcpStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'

export interface AcpReversal {
  orderId: string
  kind: 'void' | 'refund'
  /** 分 */
  amount: number
  status: AcpStatus
  respMsg: string | null
  createdAt: number
}

/** One 全渠道 consume (a contract charge or a tn payment) as the server shows it. */
export interface AcpOrder {
  orderId: string
  kind: 'tn' | 'contract'
  amount: number
  status: AcpStatus
  refundedAmount: number
  respCode: string | null
  respMsg: string | null
  contractId: string | null
  planId: string | null
  payOrderId: string | null
  description: string | null
  needsReconciliation: boolean
  createdAt: number
  settledAt: number | null
  reversals: AcpReversal[]
}

export interface ChargeableContract {
  contractId: string
  planId: string
  limits: { single: number; daily: number } | null
  usedToday: number
}

/** 全渠道: the user's charges, and the merchant's charges, orders, void and refund. */
export const useAcpStore = defineStore('acp', () => {
  const payment = usePaymentStore()
  const charges = shallowRef<AcpOrder[]>([])
  const orders = shallowRef<AcpOrder[]>([])
  const contracts = shallowRef<ChargeableContract[]>([])

  const admin = () => (payment.adminToken ? { headers: { 'x-admin-token': payment.adminToken } } : {})

  async function loadCharges(): Promise<void> {
    charges.value = (await apiRequest<{ charges: AcpOrder[] }>('GET', '/api/contract/charges')).charges
  }
  async function loadContracts(): Promise<void> {
    contracts.value = (
      await apiRequest<{ contracts: ChargeableContract[] }>('GET', '/api/acp/contracts', admin())
    ).contracts
  }
  async function charge(
    contractId: string,
    amount: number,
    idempotencyKey: string,
    description?: string,
  ): Promise<AcpOrder> {
    return apiRequest<AcpOrder>('POST', '/api/contract/charges', {
      ...admin(),
      body: { contractId, amount, idempotencyKey, ...(description ? { description } : {}) },
    })
  }
  async function fetchOrder(orderId: string): Promise<AcpOrder> {
    return apiRequest<AcpOrder>('GET', `/api/acp/orders/${encodeURIComponent(orderId)}`, admin())
  }
  async function loadOrders(): Promise<void> {
    orders.value = (await apiRequest<{ orders: AcpOrder[] }>('GET', '/api/acp/orders', admin())).orders
  }
  async function voidOrder(orderId: string): Promise<void> {
    await apiRequest('POST', `/api/acp/orders/${encodeURIComponent(orderId)}/void`, { ...admin(), body: {} })
    await loadOrders()
  }
  async function refund(orderId: string, amount: number): Promise<void> {
    await apiRequest('POST', `/api/acp/orders/${encodeURIComponent(orderId)}/refund`, { ...admin(), body: { amount } })
    await loadOrders()
  }

  return { charges, orders, contracts, loadCharges, loadContracts, charge, fetchOrder, loadOrders, voidOrder, refund }
})
