import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContractRepo } from './contract/repo.ts'
import { defaultTestEngine, testDbUrl } from './test/db.ts'
import { freePort, startTestServer, type TestServer } from './test/harness.ts'
import { isolatedRedisUrl } from './test/redis.ts'

const redisUrl = process.env.UPKIT_TEST_REDIS_URL
const engine = defaultTestEngine()
const CARD = '6216261000000000018'

/**
 * Issue 18: every background job is safe on N instances. Three app instances share one record
 * store (SQLite file, or PostgreSQL under UPKIT_TEST_DB=postgres) and one Redis, and run a round
 * of the same job at the same moment, as their schedules will; instance A's sandbox plays the
 * platforms for all. Each due item reaches the platform once, and what an instance that died
 * holding a claim leaves behind is taken over once its lease runs out.
 */
describe.skipIf(!redisUrl)(`background jobs on three instances sharing ${engine} and Redis`, () => {
  let now = Date.now()
  const clock = () => now
  const instances: TestServer[] = []
  let shared: Record<string, string>
  let redis: Redis

  beforeAll(async () => {
    const portA = await freePort()
    const ownRedis = isolatedRedisUrl(redisUrl ?? '', 8)
    redis = new Redis(ownRedis)
    await redis.flushdb()
    shared = {
      REDIS_URL: ownRedis,
      DATABASE_URL:
        engine === 'postgres'
          ? testDbUrl('postgres')
          : `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-jobs-')), 'upkit.db')}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${portA}`,
      UNIONPAY_OPEN_BASE_URL: `http://127.0.0.1:${portA}/sandbox/unionpay`,
      UNIONPAY_CALLS_PER_MINUTE: '1000',
    }
    instances.push(await startTestServer({ ...shared, PORT: String(portA) }, { clock }))
    for (let i = 0; i < 2; i++) instances.push(await startTestServer(shared, { clock }))
    // the tests run each round themselves: no scheduled round may move the shared clock meanwhile
    for (const s of instances) for (const j of s.jobs) await j.stop()
  }, 60_000)
  afterAll(async () => {
    for (const s of instances.reverse()) await s.close()
    await redis?.quit()
  })

  const a = () => instances[0]!
  const sandbox = () => {
    const sb = a().sandbox
    if (!sb) throw new Error('no sandbox on instance A')
    return sb
  }
  /** One round of the named job on every instance, all at once; what each round returned. */
  const roundEverywhere = (job: string) =>
    Promise.all(
      instances.map((s) => {
        const j = s.jobs.find((x) => x.name === job)
        if (!j) throw new Error(`no job ${job}`)
        return j.runOnce()
      }),
    )
  /** Waits (polling Redis) until a key is gone: what a lock left by a dead holder does when its TTL ends. */
  async function untilGone(key: string): Promise<void> {
    while ((await redis.exists(key)) === 1) await sleep(50)
  }

  it('contract sweep: each stale attempt is asked about once; one leased by an instance that died is taken over after its lease', async () => {
    const appId = a().config.unionpay.appId
    const repo = new ContractRepo(a().ctx.db, clock)
    const users = Array.from({ length: 6 }, (_, i) => `sweep-user-${i}`)
    for (const [i, openId] of users.entries())
      await repo.startApply({ appId, openId, planId: 'PLAN0001', contractCode: `9000000000000000000${i}`, leaseMs: 0 })
    // the platform signed the first three (their answers were lost); the others never signed
    for (const [i, openId] of users.slice(0, 3).entries()) {
      const contractId = `6218400000000000${i}`
      sandbox().contracts.contracts.set(contractId, {
        contractId,
        contractCodes: [`9000000000000000000${i}`],
        appId,
        openId,
        planId: 'PLAN0001',
        status: '1',
        signedAt: now,
        relievedAt: null,
        relievedBy: null,
      })
    }
    // a fourth instance takes an attempt's lease for its contract.info call, and dies
    await repo.startApply({
      appId,
      openId: 'sweep-crashed',
      planId: 'PLAN0001',
      contractCode: '90000000000000000099',
      leaseMs: 0,
    })
    const dying = await startTestServer(shared, { clock })
    expect(await new ContractRepo(dying.ctx.db, clock).takeLease('90000000000000000099', 30_000)).toBe(true)
    await dying.close()

    const infoAsked = () =>
      sandbox()
        .unionpay.calls.filter((c) => c.api === 'contract.info')
        .map((c) => String(c.body.openId))
        .sort()
    const settled = await roundEverywhere('contract-sweep')
    expect(settled.reduce((x: number, y) => x + Number(y ?? 0), 0)).toBe(6)
    expect(infoAsked()).toEqual(users)
    for (const [i, openId] of users.entries())
      expect((await repo.latest(appId, openId, 'PLAN0001'))?.status).toBe(i < 3 ? 'signed' : 'failed')
    expect((await repo.byCode('90000000000000000099'))?.status).toBe('applying')

    // the dead instance's lease runs out: exactly one of the three settles it
    now += 30_001
    await roundEverywhere('contract-sweep')
    expect(infoAsked()).toEqual([...users, 'sweep-crashed'].sort())
    expect((await repo.byCode('90000000000000000099'))?.status).toBe('failed')
  })

  it('payment reconciliation: each due order is queried once across the instances', async () => {
    const ids: string[] = []
    for (let i = 0; i < 9; i++) {
      const r = await fetch(`${instances[i % 3]!.baseUrl}/api/pay/chinaums/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 300 + i, channel: 'uac' }),
      })
      expect(r.status).toBe(200)
      ids.push(((await r.json()) as { merOrderId: string }).merOrderId)
    }
    now += 5 * 60_000 + 1 // unpaid orders are first asked about after 5 minutes
    // five per round on each instance: three rounds cover the nine however the claims fall
    for (let round = 0; round < 3; round++) await roundEverywhere('pay-reconcile')
    const rows = await a()
      .ctx.db.selectFrom('pay_orders')
      .select(['mer_order_id', 'check_count'])
      .where('mer_order_id', 'in', ids)
      .execute()
    // a status query counts one check: one query per order, by whichever instance claimed it
    expect(rows.map((r) => Number(r.check_count))).toEqual(Array(9).fill(1))
  })

  it('token refresh: a cold backendToken is fetched once for all; a lock left by a holder that died is taken over once', async () => {
    const appId = a().config.unionpay.appId
    const tokenKey = `upkit:token:${appId}:backend`
    const lockKey = `upkit:lock:token:${appId}:backend`
    const fetched = () => sandbox().unionpay.calls.filter((c) => c.api === 'backendToken').length
    const everyoneAsks = () =>
      Promise.all(Array.from({ length: 24 }, (_, i) => instances[i % instances.length]!.ctx.tokens.get('backend')))

    await redis.del(tokenKey)
    const before = fetched()
    const cold = await everyoneAsks()
    expect(new Set(cold).size).toBe(1)
    expect(fetched()).toBe(before + 1)

    // the instance refreshing died after taking the lock: no token, the lock until its TTL ends
    await redis.del(tokenKey)
    await redis.set(lockKey, 'a-holder-that-died', 'PX', 1500)
    const taken = everyoneAsks()
    await untilGone(lockKey)
    const after = await taken
    expect(new Set(after).size).toBe(1)
    expect(after[0]).not.toBe(cold[0])
    expect(fetched()).toBe(before + 2)
    // the token the three share is the platform's live one
    expect(sandbox().unionpay.backendToken?.token).toBe(after[0])
  })

  it('encryption certificate update (95): queried once for all, adopted by every instance; a query whose holder died is taken over', async () => {
    const merId = a().acp!.config.merId
    const lockKey = `upkit:lock:acp-encrypt-cert:${merId}`
    const queried = () => sandbox().acp.log.filter((l) => l.txnType === '95').length
    const inUse = () => instances.map((s) => s.acp!.client.encrypt(CARD).encryptCertId)
    const old = inUse()[0]
    const rotated = (await (
      await fetch(`${a().baseUrl}/sandbox/acp/__control/rotate-encrypt-cert`, { method: 'POST' })
    ).json()) as { certId: string }
    expect(rotated.certId).not.toBe(old)

    // an instance took the query's lock and died before answering: nobody queries meanwhile
    // (the lock lives long enough for the rounds below to meet it even on a loaded machine)
    await redis.set(lockKey, 'a-holder-that-died', 'PX', 5000)
    const before = queried()
    await roundEverywhere('acp-encrypt-cert')
    expect(queried()).toBe(before)
    expect(inUse()).toEqual([old, old, old])

    await untilGone(lockKey)
    await roundEverywhere('acp-encrypt-cert')
    expect(queried()).toBe(before + 1)
    // the others take the published certificate on their next round, without a query of their own
    await roundEverywhere('acp-encrypt-cert')
    expect(inUse()).toEqual([rotated.certId, rotated.certId, rotated.certId])
    expect(queried()).toBe(before + 1)
  })

  it('全渠道 status queries: each due order is queried once, also when one instance’s queries are slow', async () => {
    const acp = a().acp!
    const ids: string[] = []
    for (let i = 0; i < 8; i++) {
      const id = await acp.newOrderId()
      expect(await acp.issueTn(id, 100 + i)).toHaveProperty('tn')
      ids.push(id)
    }
    const queries = () =>
      sandbox()
        .acp.log.filter((l) => l.txnType === '00' && ids.includes(l.orderId))
        .map((l) => l.orderId)
        .sort()
    now += 5 * 60_000 + 1 // the first query is due 5 minutes after the order
    // A's gateway answers take 9 s each (within the 10 s timeout); while A is at its 7th order —
    // over a minute into its round — B and C run their rounds
    const others = instances.slice(1)
    const round = (s: TestServer) => s.jobs.find((j) => j.name === 'acp-checks')!.runOnce()
    const query = acp.client.query.bind(acp.client)
    let asked = 0
    acp.client.query = async (q) => {
      now += 9_000
      if (++asked === 7) await Promise.all(others.map(round))
      return query(q)
    }
    try {
      await round(a())
    } finally {
      acp.client.query = query
    }
    expect(queries()).toEqual([...ids].sort())
  })
})
