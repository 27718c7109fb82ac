import { describe, expect, it } from 'vitest'
import { openDatabase } from '../store/db.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import type { ApplyResult, ContractApi, InfoResult } from '../unionpay/contract.ts'
import { ContractRepo } from './repo.ts'
import { ContractService } from './service.ts'

const APP = 'app1'
const start = (repo: ContractRepo, code: string, openId = 'u+1/=', planId = 'P1') =>
  repo.startApply({ appId: APP, openId, planId, contractCode: code, leaseMs: 30_000 })

describe('ContractRepo: one live contract per (appId, openId, planId)', () => {
  it('a second attempt for the same user and plan gets the live row, not a new one', () => {
    let now = 1_000
    const repo = new ContractRepo(openDatabase('sqlite::memory:'), () => now)
    expect(start(repo, 'C1').created).toBe(true)
    const again = start(repo, 'C2')
    expect(again).toMatchObject({ created: false, record: { contractCode: 'C1', status: 'applying' } })
    expect(repo.byCode('C2')).toBeNull()
    // other plans, users and apps are independent
    expect(start(repo, 'C3', 'u+1/=', 'P2').created).toBe(true)
    expect(start(repo, 'C4', 'u2').created).toBe(true)
    now += 1
    expect(repo.active(APP, 'u+1/=', 'P1')?.contractCode).toBe('C1')
  })

  it('the table itself refuses a second live row', () => {
    const db = openDatabase('sqlite::memory:')
    const repo = new ContractRepo(db, () => 1)
    start(repo, 'C1')
    const insert = db.prepare(
      `INSERT INTO contracts (contract_code, app_id, open_id, plan_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1)`,
    )
    expect(() => insert.run('C2', APP, 'u+1/=', 'P1', 'signed')).toThrow(/UNIQUE/)
    expect(() => insert.run('C3', APP, 'u+1/=', 'P1', 'applying')).toThrow(/UNIQUE/)
    // ended rows do not count: history is kept
    insert.run('C4', APP, 'u+1/=', 'P1', 'relieved')
    insert.run('C5', APP, 'u+1/=', 'P1', 'failed')
  })

  it('every state change is written with its timestamp and event; an unexpected status writes nothing', () => {
    let now = 1_000
    const repo = new ContractRepo(openDatabase('sqlite::memory:'), () => now)
    start(repo, 'C1')
    now = 2_000
    expect(
      repo.transition('C1', ['applying'], {
        to: 'signed',
        source: 'apply',
        contractId: '62184001',
        operateTime: '20260101120000',
      }),
    ).toMatchObject({ status: 'signed', signedAt: 2_000, updatedAt: 2_000, leaseUntil: null })
    now = 3_000
    expect(repo.transition('C1', ['applying'], { to: 'failed', source: 'apply' })).toBeNull()
    expect(repo.transition('C1', ['signed'], { to: 'relieved', source: 'relieve', relievedBy: 'user' })).toMatchObject({
      status: 'relieved',
      relievedAt: 3_000,
      relievedBy: 'user',
      signedAt: 2_000,
    })
    expect(repo.events('C1')).toEqual([
      { at: 1_000, from: null, to: 'applying', source: 'apply', detail: null },
      { at: 2_000, from: 'applying', to: 'signed', source: 'apply', detail: null },
      { at: 3_000, from: 'signed', to: 'relieved', source: 'relieve', detail: null },
    ])
    // relieved: a new attempt may start
    expect(start(repo, 'C2').created).toBe(true)
  })
})

/** A ContractApi whose apply answers only when the test says so. */
function fakeApi() {
  const calls: string[] = []
  let release: (r: ApplyResult) => void = () => undefined
  const api = {
    apply: (i: { contractCode: string }) => {
      calls.push(`apply ${i.contractCode}`)
      return new Promise<ApplyResult>((resolve) => {
        release = resolve
      })
    },
    info: async (): Promise<InfoResult> => {
      calls.push('info')
      return { status: 'none', contractId: null, raw: '' }
    },
  }
  return { api: api as unknown as ContractApi, calls, release: (r: ApplyResult) => release(r) }
}

describe('ContractService.sign never signs twice', () => {
  it('a concurrent attempt for the same user and plan does not call contract.apply again', async () => {
    const repo = new ContractRepo(openDatabase('sqlite::memory:'))
    const fake = fakeApi()
    const service = new ContractService({ repo, api: fake.api, appId: APP })
    const input = { openId: 'u1', accessToken: 't', planId: 'P1' }
    const first = service.sign(input)
    const second = await service.sign(input).catch((e: unknown) => e)
    expect(second).toMatchObject({ code: 'CONTRACT_BUSY', kind: 'conflict' })
    fake.release({ contractId: '6218400001', operateTime: '20260101120000', contractCode: null })
    expect(await first).toMatchObject({ kind: 'signed', record: { status: 'signed', contractId: '6218400001' } })
    expect(fake.calls.filter((c) => c.startsWith('apply'))).toHaveLength(1)
    expect(await service.sign(input)).toMatchObject({ kind: 'already' })
    expect(fake.calls.filter((c) => c.startsWith('apply'))).toHaveLength(1)
  })

  it('a refused apply leaves a failed row, not a half-written one', async () => {
    const repo = new ContractRepo(openDatabase('sqlite::memory:'))
    const api = {
      apply: async () => {
        throw new UnionpayError('contract.apply', 'N62131', '无权限', 'platform')
      },
      info: async (): Promise<InfoResult> => ({ status: 'none', contractId: null, raw: '' }),
    } as unknown as ContractApi
    const service = new ContractService({ repo, api, appId: APP })
    await expect(service.sign({ openId: 'u1', accessToken: 't', planId: 'P1' })).rejects.toMatchObject({
      resp: 'N62131',
    })
    const row = repo.latest(APP, 'u1', 'P1')
    expect(row).toMatchObject({ status: 'failed', contractId: null })
    expect(row?.failure).toContain('N62131')
    expect(repo.active(APP, 'u1', 'P1')).toBeNull()
  })
})
