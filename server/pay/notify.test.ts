import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { formFields, SEED_BILLS_ORDER, SEED_NOTIFY_BILLS, SEED_RETURN_BILLS } from '../chinaums/seed-vectors.ts'
import { payKit } from './test-kit.ts'

const KEY = 'notify-test-md5-key-0123456789'
/** Independent signing (seed 1.8.4), with the two variations public implementations use. */
function sign(p: Record<string, string>, o: { type?: 'MD5' | 'SHA256'; keepEmpty?: boolean } = {}): string {
  const s =
    Object.keys(p)
      .filter((k) => k !== 'sign' && (o.keepEmpty || p[k] !== ''))
      .sort()
      .map((k) => `${k}=${p[k]}`)
      .join('&') + KEY
  return o.type === 'SHA256'
    ? createHash('sha256').update(s, 'utf8').digest('hex')
    : createHash('md5').update(s, 'utf8').digest('hex').toUpperCase()
}
const resigned = (body: string, o?: { type?: 'MD5' | 'SHA256' }): Record<string, string> => {
  const p = formFields(body)
  return { ...p, sign: sign(p, o) }
}

let kit: Awaited<ReturnType<typeof payKit>>
afterEach(async () => kit?.close())
async function seedMerchant() {
  kit = await payKit({
    CHINAUMS_MD5_KEY: KEY,
    CHINAUMS_MID: SEED_BILLS_ORDER.mid,
    CHINAUMS_TID: SEED_BILLS_ORDER.tid,
    CHINAUMS_SOURCE_ID: SEED_BILLS_ORDER.sourceId,
  })
  await kit.records.orders.create({
    merOrderId: SEED_BILLS_ORDER.billNo,
    kind: 'h5',
    channel: 'uac',
    instMid: 'H5DEFAULT',
    amount: SEED_BILLS_ORDER.amount,
    nextCheckAt: kit.clock.now + 300_000,
  })
  return kit
}

describe("the seed's bills-shaped examples", () => {
  it('1.9.5: the notify verifies and settles the order, once', async () => {
    const { pay, records } = await seedMerchant()
    const p = resigned(SEED_NOTIFY_BILLS)
    expect(await pay.notifies.handle(p)).toEqual({ answer: 'SUCCESS', outcome: 'applied' })
    expect(await records.orders.get(SEED_BILLS_ORDER.billNo)).toMatchObject({
      status: 'TRADE_SUCCESS',
      targetSys: 'WXPay',
      payTime: '2016-09-28 10:38:32',
      targetOrderId: '4006652001201609285138635739',
    })
    expect(await pay.notifies.handle(p)).toEqual({ answer: 'SUCCESS', outcome: 'duplicate' })
    expect(await records.orders.events(SEED_BILLS_ORDER.billNo)).toHaveLength(2)
  })

  it('1.8.5: the return page verifies and says paid', async () => {
    const { pay, records } = await seedMerchant()
    expect(await pay.notifies.verifyReturn(resigned(SEED_RETURN_BILLS))).toEqual({
      merOrderId: SEED_BILLS_ORDER.billNo,
      verified: true,
      buyerPaid: true,
    })
    expect((await records.orders.get(SEED_BILLS_ORDER.billNo))?.seenAt).not.toBeNull()
  })

  it("with the seed's own sign (a key we do not have), or tampered, nothing is trusted", async () => {
    const { pay, records } = await seedMerchant()
    expect((await pay.notifies.handle(formFields(SEED_NOTIFY_BILLS))).outcome).toBe('bad_sign')
    const p = resigned(SEED_NOTIFY_BILLS)
    expect(
      (
        await pay.notifies.handle({
          ...p,
          billPayment: (p.billPayment ?? '').replace('"totalAmount":1', '"totalAmount":100'),
        })
      ).outcome,
    ).toBe('bad_sign')
    expect((await pay.notifies.verifyReturn(formFields(SEED_RETURN_BILLS))).verified).toBe(false)
    expect((await records.orders.get(SEED_BILLS_ORDER.billNo))?.status).toBe('NEW_ORDER')
  })

  it('a bills notify with another amount in billPayment is refused', async () => {
    const { pay, records } = await seedMerchant()
    const p = formFields(SEED_NOTIFY_BILLS)
    p.billPayment = (p.billPayment ?? '').replace('"totalAmount":1', '"totalAmount":2')
    expect(await pay.notifies.handle({ ...p, sign: sign(p) })).toEqual({ answer: 'FAILED', outcome: 'mismatch' })
    expect((await records.orders.get(SEED_BILLS_ORDER.billNo))?.status).toBe('NEW_ORDER')
  })
})

describe('tolerant verification, strict amount check', () => {
  const flat = (extra: Record<string, string> = {}) => ({
    mid: SEED_BILLS_ORDER.mid,
    merOrderId: SEED_BILLS_ORDER.billNo,
    totalAmount: '1',
    status: 'TRADE_SUCCESS',
    notifyId: 'n-1',
    attachedData: '',
    ...extra,
  })

  it.each([
    ['MD5, empty values left out (the seed)', {}],
    ['SHA256 without signType', { type: 'SHA256' as const }],
    ['MD5 with empty values signed', { keepEmpty: true }],
    ['SHA256 without signType, empty values signed', { type: 'SHA256' as const, keepEmpty: true }],
  ])('accepts a notify signed %s', async (_, how) => {
    const { pay, records } = await seedMerchant()
    const p = flat()
    expect((await pay.notifies.handle({ ...p, sign: sign(p, how) })).answer).toBe('SUCCESS')
    expect((await records.orders.get(SEED_BILLS_ORDER.billNo))?.status).toBe('TRADE_SUCCESS')
  })

  it('refuses a forged one', async () => {
    const { pay, records } = await seedMerchant()
    const p = flat()
    const forged = createHash('md5')
      .update(`merOrderId=${SEED_BILLS_ORDER.billNo}&status=TRADE_SUCCESS&totalAmount=1other-key`)
      .digest('hex')
    expect((await pay.notifies.handle({ ...p, sign: forged })).outcome).toBe('bad_sign')
    expect((await pay.notifies.handle({ ...p, sign: sign(p), status: 'TRADE_CLOSED' })).outcome).toBe('bad_sign')
    expect((await records.orders.get(SEED_BILLS_ORDER.billNo))?.status).toBe('NEW_ORDER')
  })

  it('a signed notify without totalAmount does not settle: the order is queried on the next round', async () => {
    const { pay, records } = await seedMerchant()
    const p = flat({ totalAmount: '' })
    expect(await pay.notifies.handle({ ...p, sign: sign(p) })).toEqual({ answer: 'SUCCESS', outcome: 'amount_missing' })
    const o = await records.orders.get(SEED_BILLS_ORDER.billNo)
    expect(o).toMatchObject({ status: 'NEW_ORDER', nextCheckAt: kit.clock.now })
    expect(o?.seenAt).not.toBeNull()
    const q = { ...flat() }
    delete (q as Partial<typeof q>).totalAmount
    expect((await pay.notifies.handle({ ...q, sign: sign(q) })).outcome).toBe('amount_missing')
    expect((await records.orders.get(SEED_BILLS_ORDER.billNo))?.status).toBe('NEW_ORDER')
  })
})
