import { describe, expect, it } from 'vitest'
import type { UnionpayClient, PlatformParams } from './client.ts'
import { ContractApi } from './contract.ts'
import type { TokenManager } from './tokens.ts'

/** A ContractApi over a client that answers `params` and records what it was sent. */
function apiAnswering(params: PlatformParams) {
  const sent: Array<{ api: string; body: Record<string, unknown> }> = []
  const client = {
    call: async (api: string, body: Record<string, unknown>) => {
      sent.push({ api, body })
      return params
    },
  } as unknown as UnionpayClient
  const tokens = {
    withToken: <T>(_kind: string, fn: (t: string) => Promise<T>) => fn('bt+/='),
  } as unknown as TokenManager
  return { api: new ContractApi({ client, tokens, appId: 'app1' }), sent }
}

describe('ContractApi (5.4)', () => {
  it('contract.apply sends the six fields and reads operationTime as in the seed example', async () => {
    const { api, sent } = apiAnswering({
      contractCode: '684916616616',
      contractId: '6218400000002496717',
      operationTime: '20190324203725',
    })
    const r = await api.apply({ accessToken: 'at', openId: 'o+/=', planId: 'P1', contractCode: '684916616616' })
    expect(r).toEqual({
      contractId: '6218400000002496717',
      operateTime: '20190324203725',
      contractCode: '684916616616',
    })
    expect(sent).toEqual([
      {
        api: 'contract.apply',
        body: {
          appId: 'app1',
          backendToken: 'bt+/=',
          accessToken: 'at',
          openId: 'o+/=',
          planId: 'P1',
          contractCode: '684916616616',
        },
      },
    ])
  })

  it('accepts an AN32 contractId (5.4.3.3) and refuses anything else', async () => {
    expect(
      (
        await apiAnswering({ contractId: 'AB12cd34' }).api.apply({
          accessToken: 'a',
          openId: 'o',
          planId: 'P',
          contractCode: 'c',
        })
      ).contractId,
    ).toBe('AB12cd34')
    for (const bad of ['62184 0001', '6218/0001', 'x'.repeat(33)]) {
      await expect(
        apiAnswering({ contractId: bad }).api.apply({ accessToken: 'a', openId: 'o', planId: 'P', contractCode: 'c' }),
      ).rejects.toMatchObject({
        kind: 'protocol',
      })
    }
    await expect(
      apiAnswering({}).api.apply({ accessToken: 'a', openId: 'o', planId: 'P', contractCode: 'c' }),
    ).rejects.toMatchObject({ kind: 'protocol' })
  })

  it('contract.info: empty = never signed, 1 = signed, 3 = relieved, anything else is refused', async () => {
    const info = (params: PlatformParams) => apiAnswering(params).api.info({ openId: 'o', planId: 'P' })
    expect(await info({ contractId: '', contractStatus: '' })).toEqual({ status: 'none', contractId: null, raw: '' })
    expect(await info({ contractId: '6218400000002450474', contractStatus: '1' })).toEqual({
      status: 'signed',
      contractId: '6218400000002450474',
      raw: '1',
    })
    expect(await info({ contractId: '6218400000002450474', contractStatus: '3' })).toEqual({
      status: 'relieved',
      contractId: '6218400000002450474',
      raw: '3',
    })
    await expect(info({ contractStatus: '1' })).rejects.toMatchObject({ kind: 'protocol' })
    await expect(info({ contractId: '1', contractStatus: '2' })).rejects.toMatchObject({ kind: 'protocol' })
  })

  it('contract.status: 0..N unfinished orders; a non-numeric enable is not owing', async () => {
    const status = (enable: unknown) => apiAnswering({ enable }).api.status({ openId: 'o' })
    expect(await status('0')).toEqual({ unfinishedOrders: 0, owing: false, raw: '0' })
    expect(await status('3')).toEqual({ unfinishedOrders: 3, owing: true, raw: '3' })
    expect(await status(2)).toEqual({ unfinishedOrders: 2, owing: true, raw: '2' })
    for (const odd of ['N/A', '', '-1', '1.5', undefined]) {
      expect(await status(odd)).toMatchObject({ unfinishedOrders: null, owing: false })
    }
  })

  it('contract.relieve sends contractId, planId and contractCode and reads either time field', async () => {
    const { api, sent } = apiAnswering({ operationTime: '2019-03-24 18:38:27' })
    expect(
      await api.relieve({
        openId: 'o',
        contractId: '6218400000002487633',
        planId: 'P1',
        contractCode: '655558569874523',
      }),
    ).toEqual({
      operateTime: '2019-03-24 18:38:27',
    })
    expect(sent[0]?.body).toMatchObject({
      contractId: '6218400000002487633',
      planId: 'P1',
      contractCode: '655558569874523',
      openId: 'o',
    })
  })
})
