import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ContractListView, ContractPlansView, ContractView, UnfinishedOrdersView } from '@common/api'
import { ApiError, apiRequest } from '@/api/client'

export type { ContractStatus } from '@common/api'

/** One plan's contract as `GET /api/contract` describes it. */
export type ContractInfo = ContractView

/** `GET /api/contract/status`: contract.status's unfinished-order count. */
export type UnfinishedOrders = UnfinishedOrdersView

const request = <T>(method: 'GET' | 'POST', url: string, body?: Record<string, unknown>): Promise<T> =>
  apiRequest<T>(method, url, body ? { body } : {})

const emptyContract = (planId: string): ContractInfo => ({
  planId,
  status: 'none',
  contractId: null,
  contractCode: null,
  operateTime: null,
  signedAt: null,
  relievedAt: null,
  relievedBy: null,
  failure: null,
})

/** Where 开通 sends the browser: the server redirects on to the 云闪付 sign page. */
export function signUrl(planId: string, redirect = '/contract'): string {
  return `/api/contract/authorize?${new URLSearchParams({ planId, redirect }).toString()}`
}

/** The session user's 无感支付 contracts, the unfinished-order count, and relieving. */
export const useContractStore = defineStore('contract', () => {
  const contracts = shallowRef<ContractInfo[]>([])
  /** null until the first load; false when the browser has no session. */
  const loggedIn = ref<boolean | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  const unfinished = shallowRef<UnfinishedOrders | null>(null)
  const unfinishedError = shallowRef<ApiError | null>(null)
  const unfinishedLoading = ref(false)
  /** The planId being relieved, if any. */
  const relieving = ref<string | null>(null)

  const hasLive = computed(() => contracts.value.some((c) => c.status === 'signed' || c.status === 'applying'))

  const asError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', String(err)))

  /** Loads the contracts; `quiet` keeps the current view while refreshing (polling). */
  async function load(options: { info?: boolean; quiet?: boolean } = {}): Promise<void> {
    if (!options.quiet) loading.value = true
    try {
      const data = await request<ContractListView>('GET', options.info ? '/api/contract?info=1' : '/api/contract')
      contracts.value = data.contracts
      loggedIn.value = true
      error.value = null
    } catch (err) {
      const e = asError(err)
      if (e.status === 401) {
        loggedIn.value = false
        unfinished.value = null
        try {
          const { plans } = await request<ContractPlansView>('GET', '/api/contract/plans')
          contracts.value = plans.map((p) => emptyContract(p.planId))
          error.value = null
        } catch (err2) {
          error.value = asError(err2)
        }
      } else if (!options.quiet) error.value = e
    } finally {
      loading.value = false
    }
  }

  async function loadUnfinished(): Promise<void> {
    unfinishedLoading.value = true
    try {
      unfinished.value = await request<UnfinishedOrders>('GET', '/api/contract/status')
      unfinishedError.value = null
    } catch (err) {
      unfinishedError.value = asError(err)
    } finally {
      unfinishedLoading.value = false
    }
  }

  /** Relieves a plan's contract; throws the server's error as an ApiError. */
  async function relieve(planId: string): Promise<ContractInfo> {
    relieving.value = planId
    try {
      const updated = await request<ContractInfo>('POST', '/api/contract/relieve', { planId })
      contracts.value = contracts.value.map((c) => (c.planId === planId ? updated : c))
      return updated
    } catch (err) {
      throw asError(err)
    } finally {
      relieving.value = null
    }
  }

  return {
    contracts,
    loggedIn,
    loading,
    error,
    unfinished,
    unfinishedError,
    unfinishedLoading,
    relieving,
    hasLive,
    load,
    loadUnfinished,
    relieve,
    signUrl,
  }
})
