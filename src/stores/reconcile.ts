import type { ReconcileRunView, ReconciliationSummaryView, ReconciliationView } from '@common/api'
import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { apiRequest } from '@/api/client'
import { usePaymentStore } from '@/stores/payment'

export type { ReconcileFindingKind, ReconcileFindingView, ReconciliationView } from '@common/api'

/** 全渠道 reconciliation (merchant): the reconciled days, one day's findings, running a day. */
export const useReconcileStore = defineStore('reconcile', () => {
  const payment = usePaymentStore()
  const days = shallowRef<ReconciliationSummaryView[]>([])
  const current = shallowRef<ReconciliationView | null>(null)

  const admin = () => (payment.adminToken ? { headers: { 'x-admin-token': payment.adminToken } } : {})

  async function loadDays(): Promise<void> {
    days.value = (
      await apiRequest<{ reconciliations: ReconciliationSummaryView[] }>('GET', '/api/acp/reconciliations', admin())
    ).reconciliations
  }
  async function open(settleDate: string): Promise<void> {
    current.value = await apiRequest<ReconciliationView>(
      'GET',
      `/api/acp/reconciliations/${encodeURIComponent(settleDate)}`,
      admin(),
    )
  }
  /** Runs a day (a day already reconciled answers its first report); true when it was run before. */
  async function run(settleDate: string): Promise<boolean> {
    const r = await apiRequest<ReconcileRunView>('POST', '/api/acp/reconciliations', {
      ...admin(),
      body: { settleDate },
    })
    current.value = r.reconciliation
    await loadDays()
    return r.repeated
  }

  return { days, current, loadDays, open, run }
})
