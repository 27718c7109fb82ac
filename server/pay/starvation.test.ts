import { afterEach, describe, expect, it } from 'vitest'
import { Reconciler } from './reconcile.ts'
import { gwError, payKit } from './test-kit.ts'

let kit: Awaited<ReturnType<typeof payKit>>
afterEach(async () => kit?.close())

describe('3,000 spam orders cannot starve reconciliation (fake clock)', () => {
  it('a paid order the platform was seen to know is settled 5 minutes after it was made, not hours', async () => {
    kit = await payKit()
    const { records, clock } = kit
    const t0 = clock.now
    await records.orders.atomic(async () => {
      for (let i = 0; i < 3000; i++) {
        await records.orders.create({
          merOrderId: `1017SPAM${String(i).padStart(20, '0')}`,
          kind: 'h5',
          channel: 'uac',
          instMid: 'H5DEFAULT',
          amount: 1,
          expiresAt: t0 + 30 * 60_000,
          nextCheckAt: t0 + 5 * 60_000,
          owner: { clientKey: `ip:198.51.100.${i % 250}` },
        })
      }
    })
    // A minute later a real buyer pays; the notify is lost, the verified return page arrives.
    clock.now = t0 + 60_000
    const paid = '1017REAL00000000000000000001'
    await records.orders.create({
      merOrderId: paid,
      kind: 'h5',
      channel: 'uac',
      instMid: 'H5DEFAULT',
      amount: 990,
      expiresAt: clock.now + 30 * 60_000,
      nextCheckAt: clock.now + 5 * 60_000,
    })
    await records.orders.markSeen(paid)
    kit.answer('query', (b) =>
      b.merOrderId === paid
        ? { merOrderId: paid, totalAmount: 990, status: 'TRADE_SUCCESS' }
        : gwError('query', 'NO_ORDER'),
    )

    const rec = new Reconciler({
      checker: kit.pay.checker,
      checks: records.checks,
      clock: () => clock.now,
      log: kit.log,
    })
    let settledAt: number | null = null
    for (let round = 0; round < 40 && settledAt === null; round++) {
      clock.now += 30_000 // the reconciler's default interval
      await rec.runOnce()
      if ((await records.orders.mustGet(paid)).status === 'TRADE_SUCCESS') settledAt = clock.now
    }
    expect(settledAt).not.toBeNull()
    // Due at t0+6 min; settled on the first round after that (30 s rounds), not after 3,000/5 rounds (≈ 5 hours).
    expect((settledAt ?? 0) - (t0 + 60_000)).toBeLessThanOrEqual(5 * 60_000 + 30_000)
    // The spam is still reconciled, a few per round, and never more than the batch at once.
    const queried = kit.calls.filter((c) => c.api === 'query').length
    expect(queried).toBeGreaterThan(1)
    expect(queried).toBeLessThanOrEqual(5 * 40)
  }, 120_000) // 3,000 orders, each its own round trips on PostgreSQL
})
