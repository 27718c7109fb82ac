import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { signUrl, useContractStore, type ContractInfo } from './contract'

const signed: ContractInfo = {
  planId: 'PLAN0001',
  status: 'signed',
  contractId: '6218400000002496717',
  contractCode: '2026112403010012345678',
  operateTime: '20261124030100',
  signedAt: 1,
  relievedAt: null,
  relievedBy: null,
  failure: null,
}

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('contract store', () => {
  const fetchMock = vi.fn<(input: string, init?: RequestInit) => Promise<Response>>()
  beforeEach(() => {
    setActivePinia(createPinia())
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('loads the session user contracts', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { ...signed, contracts: [signed] }))
    const store = useContractStore()
    await store.load({ info: true })
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/contract?info=1')
    expect(store.loggedIn).toBe(true)
    expect(store.contracts).toEqual([signed])
    expect(store.hasLive).toBe(true)
  })

  it('without a session shows the configured plans, not an error', async () => {
    fetchMock
      .mockResolvedValueOnce(answer(401, { error: { code: 'NOT_LOGGED_IN', message: '请先登录' } }))
      .mockResolvedValueOnce(answer(200, { plans: [{ planId: 'PLAN0001' }, { planId: 'PLAN0002' }] }))
    const store = useContractStore()
    await store.load()
    expect(store.loggedIn).toBe(false)
    expect(store.error).toBeNull()
    expect(store.contracts.map((c) => [c.planId, c.status])).toEqual([
      ['PLAN0001', 'none'],
      ['PLAN0002', 'none'],
    ])
  })

  it('relieves, and throws the server error when it fails', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { ...signed, contracts: [signed] }))
    const store = useContractStore()
    await store.load()
    fetchMock.mockResolvedValueOnce(answer(200, { ...signed, status: 'relieved', relievedBy: 'user', relievedAt: 2 }))
    await store.relieve('PLAN0001')
    expect(JSON.parse(String(fetchMock.mock.calls[1]?.[1]?.body))).toEqual({ planId: 'PLAN0001' })
    expect(store.contracts[0]?.status).toBe('relieved')

    fetchMock.mockResolvedValueOnce(
      answer(502, { error: { code: 'UNIONPAY_N62137', message: '云闪付开放平台返回 N62137' } }),
    )
    await expect(store.relieve('PLAN0001')).rejects.toMatchObject({
      code: 'UNIONPAY_N62137',
      message: expect.stringContaining('N62137'),
    })
    expect(store.relieving).toBeNull()
  })

  it('reports a network failure in Chinese', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const store = useContractStore()
    await store.load()
    expect(store.error).toMatchObject({ code: 'NETWORK', message: expect.stringContaining('网络') })
  })

  it('builds the sign URL with a same-origin return path', () => {
    expect(signUrl('PLAN0001')).toBe('/api/contract/authorize?planId=PLAN0001&redirect=%2Fcontract')
  })
})
