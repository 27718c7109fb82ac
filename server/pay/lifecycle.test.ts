import { afterEach, describe, expect, it } from 'vitest'
import { ChinaumsError } from '../chinaums/errors.ts'
import { notifySign } from '../chinaums/sign.ts'
import { SECURE_AUTO_CANCEL_MS } from './secure.ts'
import { gwError, payKit } from './test-kit.ts'

let kit: Awaited<ReturnType<typeof payKit>>
afterEach(async () => kit?.close())
const ID = '1017000000000000000000000042'
const RID = '1017R00000000000000000000042'

describe('担保 (secure) lifecycle', () => {
  it('a paid 担保 order is UNCOMPLETED, cannot be refunded, and is asked about after the 30-day auto-cancel', async () => {
    kit = await payKit()
    const o = await kit.paidOrder(ID, 1000, true)
    expect(o).toMatchObject({
      secureStatus: 'UNCOMPLETED',
      nextCheckAt: kit.clock.now + SECURE_AUTO_CANCEL_MS + 3600_000,
    })
    await expect(kit.pay.refunds.refund(ID, 1)).rejects.toMatchObject({ code: 'SECURE_UNCOMPLETED' })
    expect(kit.calls).toEqual([])
    // 30 days later 银商 has cancelled it by itself.
    kit.clock.now = o.nextCheckAt ?? 0
    kit.answer('query', () => ({
      merOrderId: ID,
      totalAmount: 1000,
      status: 'TRADE_SUCCESS',
      secureStatus: 'CANCELED',
    }))
    expect((await kit.records.checks.dueOrders(kit.clock.now, 10)).map((x) => x.merOrderId)).toEqual([ID])
    expect(await kit.pay.checker.reconcile(await kit.records.orders.mustGet(ID))).toMatchObject({
      status: 'TRADE_CLOSED',
      secureStatus: 'CANCELED',
      completedAmount: 0,
      nextCheckAt: null,
    })
  })

  it('still UNCOMPLETED after 30 days: asked again with growing gaps, nothing invented', async () => {
    kit = await payKit()
    const o = await kit.paidOrder(ID, 1000, true)
    kit.clock.now = o.nextCheckAt ?? 0
    kit.answer('query', () => ({
      merOrderId: ID,
      totalAmount: 1000,
      status: 'TRADE_SUCCESS',
      secureStatus: 'UNCOMPLETED',
    }))
    expect(await kit.pay.checker.reconcile(await kit.records.orders.mustGet(ID))).toMatchObject({
      status: 'TRADE_SUCCESS',
      secureStatus: 'UNCOMPLETED',
      nextCheckAt: kit.clock.now + 300_000,
    })
  })

  it('HAS_CANCELLED means already cancelled: cancel succeeds, complete records the cancel and says so', async () => {
    kit = await payKit()
    await kit.paidOrder(ID, 1000, true)
    kit.answer('secure-cancel', () => gwError('secure-cancel', 'HAS_CANCELLED'))
    expect(await kit.pay.actions.secureCancel(ID)).toMatchObject({
      status: 'TRADE_CLOSED',
      secureStatus: 'CANCELED',
      completedAmount: 0,
    })

    const id2 = '1017000000000000000000000043'
    await kit.paidOrder(id2, 500, true)
    kit.answer('secure-complete', () => gwError('secure-complete', 'HAS_CANCELLED'))
    const err = await kit.pay.actions.secureComplete(id2, 500).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChinaumsError)
    expect((err as ChinaumsError).errCode).toBe('HAS_CANCELLED')
    expect(await kit.records.orders.mustGet(id2)).toMatchObject({ status: 'TRADE_CLOSED', secureStatus: 'CANCELED' })
  })

  it('a timed-out cancel is remembered and settled by the query; the other action waits meanwhile', async () => {
    kit = await payKit()
    await kit.paidOrder(ID, 1000, true)
    kit.answer('secure-cancel', () => gwError('secure-cancel', 'TIMEOUT'))
    await expect(kit.pay.actions.secureCancel(ID)).rejects.toMatchObject({ errCode: 'TIMEOUT' })
    const o = await kit.records.orders.mustGet(ID)
    expect(o).toMatchObject({
      status: 'TRADE_SUCCESS',
      securePending: { action: 'cancel', amount: null },
      nextCheckAt: kit.clock.now + 300_000,
    })
    await expect(kit.pay.actions.secureComplete(ID, 10)).rejects.toMatchObject({ errCode: 'ORDER_PROCESSING' })
    kit.clock.now += 300_000
    kit.answer('query', () => ({ merOrderId: ID, totalAmount: 1000, status: 'TRADE_CLOSED', secureStatus: 'CANCELED' }))
    expect(await kit.pay.checker.reconcile(await kit.records.orders.mustGet(ID))).toMatchObject({
      status: 'TRADE_CLOSED',
      secureStatus: 'CANCELED',
      securePending: null,
      nextCheckAt: null,
    })
  })

  it('a timed-out complete is settled by the query (completeAmount recorded); then the completed part can be refunded', async () => {
    kit = await payKit()
    await kit.paidOrder(ID, 1000, true)
    kit.answer('secure-complete', () => gwError('secure-complete', 'NET_ERROR'))
    await expect(kit.pay.actions.secureComplete(ID, 600)).rejects.toMatchObject({ errCode: 'NET_ERROR' })
    expect((await kit.records.orders.mustGet(ID)).securePending).toEqual({ action: 'complete', amount: 600 })
    kit.clock.now += 300_000
    kit.answer('query', () => ({
      merOrderId: ID,
      totalAmount: 1000,
      status: 'TRADE_SUCCESS',
      secureStatus: 'PARTLY_COMPLETED',
      completeAmount: 600,
    }))
    expect(await kit.pay.checker.reconcile(await kit.records.orders.mustGet(ID))).toMatchObject({
      secureStatus: 'PARTLY_COMPLETED',
      completedAmount: 600,
      securePending: null,
      nextCheckAt: null,
    })
    kit.answer('refund', () => ({ refundStatus: 'SUCCESS' }))
    await expect(kit.pay.refunds.refund(ID, 601)).rejects.toMatchObject({ code: 'EXCEEDS_AMOUNT' })
    expect(await kit.pay.refunds.refund(ID, 600, RID)).toMatchObject({ status: 'SUCCESS' })
    expect(await kit.records.orders.mustGet(ID)).toMatchObject({ status: 'TRADE_CLOSED', refundedAmount: 600 })
  })

  it('notifies carrying secureStatus and completeAmount are recorded', async () => {
    kit = await payKit()
    await kit.paidOrder(ID, 1000, true)
    const md5 = kit.config.chinaums.md5Key
    const send = (p: Record<string, string>) => kit.pay.notifies.handle({ ...p, sign: notifySign(p, md5) })
    const base = { mid: kit.config.chinaums.mid, merOrderId: ID, totalAmount: '1000', status: 'TRADE_SUCCESS' }
    expect(await send({ ...base, notifyId: 'c1', secureStatus: 'PARTLY_COMPLETED', completeAmount: '400' })).toEqual({
      answer: 'SUCCESS',
      outcome: 'applied',
    })
    expect(await kit.records.orders.mustGet(ID)).toMatchObject({
      status: 'TRADE_SUCCESS',
      secureStatus: 'PARTLY_COMPLETED',
      completedAmount: 400,
    })

    const id2 = '1017000000000000000000000044'
    await kit.paidOrder(id2, 1000, true)
    expect(
      (await send({ ...base, merOrderId: id2, notifyId: 'c2', status: 'TRADE_CLOSED', secureStatus: 'CANCELED' }))
        .answer,
    ).toBe('SUCCESS')
    expect(await kit.records.orders.mustGet(id2)).toMatchObject({
      status: 'TRADE_CLOSED',
      secureStatus: 'CANCELED',
      completedAmount: 0,
    })
  })
})

describe('refund-query under both readings of seed 1.4', () => {
  async function pendingRefund() {
    kit = await payKit()
    await kit.paidOrder(ID, 1000)
    kit.answer('refund', () => gwError('refund', 'TIMEOUT'))
    await expect(kit.pay.refunds.refund(ID, 300, RID)).rejects.toMatchObject({ errCode: 'TIMEOUT' })
    kit.calls.length = 0
    return (await kit.records.refunds.get(RID))!
  }

  it("the table's reading (merOrderId = the refund's id)", async () => {
    const r = await pendingRefund()
    kit.answer('refund-query', (b) =>
      b.merOrderId === RID
        ? { merOrderId: ID, refundOrderId: RID, refundStatus: 'SUCCESS' }
        : gwError('refund-query', 'NO_ORDER'),
    )
    expect((await kit.pay.checker.reconcileRefund(r)).status).toBe('SUCCESS')
    expect(kit.calls.map((c) => c.body)).toEqual([{ merOrderId: RID }])
  })

  it("the example's reading (merOrderId = the original order's id)", async () => {
    const r = await pendingRefund()
    kit.answer('refund-query', (b) =>
      b.merOrderId === ID
        ? { merOrderId: ID, refundOrderId: RID, refundStatus: 'SUCCESS' }
        : gwError('refund-query', 'NO_ORDER'),
    )
    expect((await kit.pay.checker.reconcileRefund(r)).status).toBe('SUCCESS')
    expect(kit.calls.map((c) => c.body)).toEqual([{ merOrderId: RID }, { merOrderId: ID, refundOrderId: RID }])
    expect(await kit.records.orders.mustGet(ID)).toMatchObject({ status: 'TRADE_REFUND', refundedAmount: 300 })
  })

  it('an answer about another refund of the order is not applied', async () => {
    const r = await pendingRefund()
    kit.answer('refund-query', (b) =>
      b.merOrderId === ID
        ? { merOrderId: ID, refundOrderId: '1017R0000OTHER', refundStatus: 'FAIL' }
        : gwError('refund-query', 'NO_ORDER'),
    )
    expect((await kit.pay.checker.reconcileRefund(r)).status).toBe('PENDING')
  })

  it('NO_ORDER under both readings keeps the refund pending and its amount reserved', async () => {
    const r = await pendingRefund()
    kit.answer('refund-query', () => gwError('refund-query', 'NO_ORDER'))
    expect(await kit.pay.checker.reconcileRefund(r)).toMatchObject({
      status: 'PENDING',
      checkCount: 1,
      nextCheckAt: kit.clock.now + 300_000,
    })
    await expect(kit.pay.refunds.refund(ID, 701)).rejects.toMatchObject({ code: 'EXCEEDS_AMOUNT' })
  })
})
