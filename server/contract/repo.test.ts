import { describe, expect, it } from 'vitest'
import type { Db } from '../store/kysely-db.ts'
import { openTestDb, testEngines } from '../test/db.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import type { ApplyResult, ContractApi, InfoResult } from '../unionpay/contract.ts'
import { notificationRecord } from './notify.ts'
import { ContractRepo } from './repo.ts'
import { ContractService } from './service.ts'

const APP = 'app1'
const start = (repo: ContractRepo, code: string, openId = 'u+1/=', planId = 'P1') =>
  repo.startApply({ appId: APP, openId, planId, contractCode: code, leaseMs: 30_000 })

describe.each(testEngines)('ContractRepo on %s: one live contract per (appId, openId, planId)', (engine) => {
  const withDb = async (fn: (db: Db) => Promise<void>) => {
    const db = await openTestDb(engine)
    try {
      await fn(db)
    } finally {
      await db.destroy()
    }
  }

  it('a second attempt for the same user and plan gets the live row, not a new one', () =>
    withDb(async (db) => {
      let now = 1_000
      const repo = new ContractRepo(db, () => now)
      expect((await start(repo, 'C1')).created).toBe(true)
      const again = await start(repo, 'C2')
      expect(again).toMatchObject({ created: false, record: { contractCode: 'C1', status: 'applying' } })
      expect(await repo.byCode('C2')).toBeNull()
      // other plans, users and apps are independent
      expect((await start(repo, 'C3', 'u+1/=', 'P2')).created).toBe(true)
      expect((await start(repo, 'C4', 'u2')).created).toBe(true)
      now += 1
      expect((await repo.active(APP, 'u+1/=', 'P1'))?.contractCode).toBe('C1')
    }))

  it('twenty attempts racing on the pool (several instances) create exactly one live row', () =>
    withDb(async (db) => {
      const repo = new ContractRepo(db, () => 5_000)
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => start(repo, `R${i}`)))
      expect(results.filter((r) => r.created)).toHaveLength(1)
      const winner = results.find((r) => r.created)?.record.contractCode
      expect(results.every((r) => r.record.contractCode === winner)).toBe(true)
      expect(await db.selectFrom('contracts').select('contract_code').execute()).toHaveLength(1)
    }))

  it('the table itself refuses a second live row', () =>
    withDb(async (db) => {
      const repo = new ContractRepo(db, () => 1)
      await start(repo, 'C1')
      const insert = (code: string, status: 'signed' | 'applying' | 'relieved' | 'failed') =>
        db
          .insertInto('contracts')
          .values({
            contract_code: code,
            app_id: APP,
            open_id: 'u+1/=',
            plan_id: 'P1',
            status,
            created_at: 1,
            updated_at: 1,
            contract_id: null,
            operate_time: null,
            relieved_by: null,
            failure: null,
            lease_until: null,
            signed_at: null,
            relieved_at: null,
          })
          .execute()
      await expect(insert('C2', 'signed')).rejects.toThrow(/UNIQUE|unique/)
      await expect(insert('C3', 'applying')).rejects.toThrow(/UNIQUE|unique/)
      // ended rows do not count: history is kept
      await insert('C4', 'relieved')
      await insert('C5', 'failed')
    }))

  it('every state change is written with its timestamp and event; an unexpected status writes nothing', () =>
    withDb(async (db) => {
      let now = 1_000
      const repo = new ContractRepo(db, () => now)
      await start(repo, 'C1')
      now = 2_000
      expect(
        await repo.transition('C1', ['applying'], {
          to: 'signed',
          source: 'apply',
          contractId: '62184001',
          operateTime: '20260101120000',
        }),
      ).toMatchObject({ status: 'signed', signedAt: 2_000, updatedAt: 2_000, leaseUntil: null })
      now = 3_000
      expect(await repo.transition('C1', ['applying'], { to: 'failed', source: 'apply' })).toBeNull()
      expect(
        await repo.transition('C1', ['signed'], { to: 'relieved', source: 'relieve', relievedBy: 'user' }),
      ).toMatchObject({ status: 'relieved', relievedAt: 3_000, relievedBy: 'user', signedAt: 2_000 })
      expect(await repo.events('C1')).toEqual([
        { at: 1_000, from: null, to: 'applying', source: 'apply', detail: null },
        { at: 2_000, from: 'applying', to: 'signed', source: 'apply', detail: null },
        { at: 3_000, from: 'signed', to: 'relieved', source: 'relieve', detail: null },
      ])
      // relieved: a new attempt may start
      expect((await start(repo, 'C2')).created).toBe(true)
    }))

  it('concurrent moves of one contract: exactly one wins, one event', () =>
    withDb(async (db) => {
      const repo = new ContractRepo(db, () => 7_000)
      await start(repo, 'M1')
      const moves = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          repo.transition(
            'M1',
            ['applying'],
            i % 2 ? { to: 'signed', source: 'apply', contractId: `6218${i}` } : { to: 'failed', source: 'reconcile' },
          ),
        ),
      )
      expect(moves.filter((m) => m !== null)).toHaveLength(1)
      expect((await repo.events('M1')).filter((e) => e.from === 'applying')).toHaveLength(1)
    }))

  it('one lease at a time: of concurrent takers only one gets an expired attempt', () =>
    withDb(async (db) => {
      let now = 1_000
      const repo = new ContractRepo(db, () => now)
      await start(repo, 'L1')
      expect(await repo.takeLease('L1', 30_000)).toBe(false)
      now += 30_000
      const takes = await Promise.all(Array.from({ length: 8 }, () => repo.takeLease('L1', 30_000)))
      expect(takes.filter(Boolean)).toHaveLength(1)
    }))

  it('a 解约结果通知 delivered many times at once is applied once', () =>
    withDb(async (db) => {
      const repo = new ContractRepo(db, () => 9_000)
      await start(repo, 'N1', 'u9')
      await repo.transition('N1', ['applying'], { to: 'signed', source: 'apply', contractId: '62189999' })
      const n = notificationRecord({
        appId: APP,
        openId: 'u9',
        contractId: '62189999',
        operateTime: '20260101120000',
        signature: 'sig',
      })
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => repo.applyNotification(n, APP)))
      expect(outcomes.filter((o) => o === 'relieved')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(9)
      expect((await repo.events('N1')).filter((e) => e.to === 'relieved')).toHaveLength(1)
      expect(await repo.notificationsFor()).toEqual([
        { contractId: '62189999', outcome: 'relieved', receivedAt: 9_000 },
      ])
    }))
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

describe.each(testEngines)('ContractService on %s', (engine) => {
  it('a concurrent attempt for the same user and plan does not call contract.apply again', async () => {
    const db = await openTestDb(engine)
    const repo = new ContractRepo(db)
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
    await db.destroy()
  })

  it('a refused apply leaves a failed row, not a half-written one', async () => {
    const db = await openTestDb(engine)
    const repo = new ContractRepo(db)
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
    const row = await repo.latest(APP, 'u1', 'P1')
    expect(row).toMatchObject({ status: 'failed', contractId: null })
    expect(row?.failure).toContain('N62131')
    expect(await repo.active(APP, 'u1', 'P1')).toBeNull()
    await db.destroy()
  })

  it('three instances sweeping the same stale attempts ask contract.info once per contract', async () => {
    const db = await openTestDb(engine)
    let now = 1_000
    const clock = () => now
    const repo = new ContractRepo(db, clock)
    for (let i = 0; i < 6; i++) await start(repo, `S${i}`, `user${i}`)
    now += 60_000
    const asked: string[] = []
    const api = {
      info: async (q: { openId: string }): Promise<InfoResult> => {
        asked.push(q.openId)
        await new Promise((r) => setTimeout(r, 5))
        return { status: 'none', contractId: null, raw: '' }
      },
    } as unknown as ContractApi
    const instances = [0, 1, 2].map(
      () => new ContractService({ repo: new ContractRepo(db, clock), api, appId: APP, clock }),
    )
    const settled = await Promise.all(instances.map((s) => s.sweepStale(10)))
    expect(settled.reduce((a, b) => a + b, 0)).toBe(6)
    expect(asked.sort()).toEqual(['user0', 'user1', 'user2', 'user3', 'user4', 'user5'])
    await db.destroy()
  })
})
