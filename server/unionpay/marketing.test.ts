import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tdesDecrypt } from '../crypto/tdes.ts'
import { DomainError } from '../errors.ts'
import { UnionpayError } from './errors.ts'
import {
  draw,
  giveRedPacket,
  parseAwardInfo,
  parseQualMap,
  selectQualifications,
  selectRedPacketAccount,
  sendQualification,
  type Qualifier,
} from './marketing.ts'
import { startOpenApiFixture, USER1, USER2, type OpenApiFixture } from './open-api.fixture.ts'
import { beijingStamp, newTransNumber } from './open-api.ts'

let f: OpenApiFixture
let insAcctId: string
let qual: Qualifier
let activityNumber: string
beforeAll(async () => {
  f = await startOpenApiFixture()
  const c = f.server.config.unionpay
  insAcctId = c.insAcctId ?? ''
  activityNumber = c.activityNumber ?? ''
  qual = { qualNum: c.qualNum ?? '', qualType: 'open_id', qualValue: USER1.openId }
})
afterAll(() => f.server.close())

const tn = () => newTransNumber(Date.now())
const badInput = async (p: Promise<unknown>, field: string) => {
  const err = await p.catch((e: unknown) => e)
  expect(err).toBeInstanceOf(DomainError)
  expect(err).toMatchObject({ kind: 'invalid', code: 'INVALID_INPUT' })
  expect((err as DomainError).message).toContain(field)
}
const control = (url: string, payload: Record<string, unknown>) =>
  f.server.app.inject({ method: 'POST', url: `/sandbox/unionpay/__control/open/${url}`, payload })

describe('5.8.1 red.packet.give + 5.8.2 red.packet.select', () => {
  it('gives 1.88 元: signed over the plain values, mobile/pan/pointAt sent encrypted; the balance drops', async () => {
    const before = await selectRedPacketAccount(f.deps, { insAcctId, transNumber: tn() })
    expect(before).toMatchObject({ status: '0', validBegin: '20260101000000' })
    const transNumber = tn()
    await giveRedPacket(f.deps, { insAcctId, transNumber, openId: USER1.openId, mobile: '13812345678', amount: 188 })
    const sent = f.calls('red.packet.give').at(-1)?.body ?? {}
    expect(tdesDecrypt(String(sent.pointAt), f.deps.symmetricKey)).toBe('188')
    expect(tdesDecrypt(String(sent.mobile), f.deps.symmetricKey)).toBe('13812345678')
    expect(sent).not.toHaveProperty('pan')
    expect(sent).not.toHaveProperty('remark')
    const after = await selectRedPacketAccount(f.deps, { insAcctId, transNumber: tn() })
    expect(after.balance).toBe(before.balance - 188)
  })

  it('with too little balance the platform answers success and gives nothing (附录十 note 1)', async () => {
    await control('account', { insAcctId, balance: 50 })
    await giveRedPacket(f.deps, { insAcctId, transNumber: tn(), openId: USER1.openId, amount: 100 })
    expect((await selectRedPacketAccount(f.deps, { insAcctId, transNumber: tn() })).balance).toBe(50)
    await control('account', { insAcctId, balance: 100_000 })
  })

  it('refuses before any call: insAcctId not 18, no recipient, a non-positive or fractional amount, a bad transNumber', async () => {
    const before = f.calls('red.packet.give').length
    await badInput(
      giveRedPacket(f.deps, { insAcctId: 'T00T0000', transNumber: tn(), openId: USER1.openId, amount: 1 }),
      'insAcctId',
    )
    await badInput(giveRedPacket(f.deps, { insAcctId, transNumber: tn(), amount: 1 }), 'openId、mobile、pan')
    await badInput(giveRedPacket(f.deps, { insAcctId, transNumber: tn(), openId: USER1.openId, amount: 0 }), 'amount')
    await badInput(giveRedPacket(f.deps, { insAcctId, transNumber: tn(), openId: USER1.openId, amount: 1.5 }), 'amount')
    await badInput(
      giveRedPacket(f.deps, { insAcctId, transNumber: 'x'.repeat(33), openId: USER1.openId, amount: 1 }),
      'transNumber',
    )
    expect(f.calls('red.packet.give').length).toBe(before)
  })

  it('platform refusals: an unknown account, a repeated transNumber', async () => {
    await expect(
      giveRedPacket(f.deps, { insAcctId: 'T00T00000000889999', transNumber: tn(), openId: USER1.openId, amount: 1 }),
    ).rejects.toMatchObject({ resp: 'RP0002' })
    const transNumber = tn()
    await giveRedPacket(f.deps, { insAcctId, transNumber, openId: USER1.openId, amount: 1 })
    await expect(
      giveRedPacket(f.deps, { insAcctId, transNumber, openId: USER1.openId, amount: 1 }),
    ).rejects.toMatchObject({ resp: 'RP0004' })
  })

  it('without UNIONPAY_PRIVATE_KEY the signed APIs answer 503 naming it', async () => {
    await expect(
      giveRedPacket({ ...f.deps, privateKey: null }, { insAcctId, transNumber: tn(), openId: USER1.openId, amount: 1 }),
    ).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('UNIONPAY_PRIVATE_KEY'),
    })
  })

  it('a signature by another key is refused by the platform (N62104)', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    await expect(
      giveRedPacket(
        { ...f.deps, privateKey: other },
        { insAcctId, transNumber: tn(), openId: USER1.openId, amount: 1 },
      ),
    ).rejects.toMatchObject({ resp: 'N62104' })
  })
})

describe('5.8.3–5.8.5 抽奖', () => {
  const today = () => beijingStamp(Date.now()).date

  it('grants 2 chances, reads them back from qualMap, and draws a red packet, nothing, a coupon', async () => {
    await control('activity', { activityNumber, budget: 2000, prizes: [888, 0, -1] })
    expect(await selectQualifications(f.deps, qual)).toEqual([])
    await sendQualification(f.deps, { ...qual, count: 3, transNumber: tn(), startDate: today(), endDate: '20991231' })
    const sent = f.calls('qual.send').at(-1)?.body ?? {}
    expect(tdesDecrypt(String(sent.count), f.deps.symmetricKey)).toBe('3')
    expect(tdesDecrypt(String(sent.qualValue), f.deps.symmetricKey)).toBe(USER1.openId)
    expect(await selectQualifications(f.deps, qual)).toEqual([{ start: today(), end: '20991231', count: 3 }])

    const first = await draw(f.deps, { ...qual, activityNumber, transNumber: tn() })
    expect(first.award).toMatchObject({ kind: 'redPacket', amount: 888, name: '随机红包' })
    expect(first.respTime).toMatch(/^\d{14}$/)
    expect((await draw(f.deps, { ...qual, activityNumber, transNumber: tn() })).award).toMatchObject({
      kind: 'none',
      drawDesc: '谢谢参与',
    })
    expect((await draw(f.deps, { ...qual, activityNumber, transNumber: tn() })).award).toMatchObject({
      kind: 'coupon',
      count: 1,
      couponId: 'CPN0001',
    })
    expect(await selectQualifications(f.deps, qual)).toEqual([])
    await expect(draw(f.deps, { ...qual, activityNumber, transNumber: tn() })).rejects.toMatchObject({ resp: 'QL0005' })
  })

  it('AM03051 (printed " AM03051") is BALANCE_TOO_LOW and the chance is kept', async () => {
    await control('activity', { activityNumber, budget: 100, prizes: [500] })
    await sendQualification(f.deps, { ...qual, count: 1, transNumber: tn(), startDate: today(), endDate: today() })
    const err = await draw(f.deps, { ...qual, activityNumber, transNumber: tn() }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DomainError)
    expect(err).toMatchObject({ kind: 'conflict', code: 'BALANCE_TOO_LOW' })
    expect(await selectQualifications(f.deps, qual)).toEqual([{ start: today(), end: today(), count: 1 }])
  })

  it('refuses before any call: a bad qualType or value, end before start, count 0, a bad certId', async () => {
    await badInput(selectQualifications(f.deps, { ...qual, qualType: 'email' as 'mobile' }), 'qualType')
    await badInput(selectQualifications(f.deps, { ...qual, qualType: 'mobile', qualValue: '123' }), 'qualValue')
    await badInput(
      sendQualification(f.deps, { ...qual, count: 1, transNumber: tn(), startDate: '20261201', endDate: '20261130' }),
      'endDate',
    )
    await badInput(
      sendQualification(f.deps, { ...qual, count: 0, transNumber: tn(), startDate: '20261201', endDate: '20261231' }),
      'count',
    )
    await badInput(
      sendQualification(f.deps, { ...qual, count: 1, transNumber: tn(), startDate: '20260230', endDate: '20261231' }),
      'startDate',
    )
    await badInput(draw(f.deps, { ...qual, activityNumber, transNumber: tn(), certId: '123' }), 'certId')
  })

  it('another user has their own chances', async () => {
    expect(await selectQualifications(f.deps, { ...qual, qualValue: USER2.openId })).toEqual([])
  })
})

describe('answer parsing', () => {
  it('qualMap: end_start keys, numbers or numeric strings, a JSON string too', () => {
    expect(parseQualMap('qual.select', { '20171108_20171101': 2, '20171208_20171201': '1' })).toEqual([
      { end: '20171108', start: '20171101', count: 2 },
      { end: '20171208', start: '20171201', count: 1 },
    ])
    expect(parseQualMap('qual.select', '{"20171108_20171101":3}')).toEqual([
      { end: '20171108', start: '20171101', count: 3 },
    ])
    expect(parseQualMap('qual.select', {})).toEqual([])
    expect(() => parseQualMap('qual.select', { '2017-11-08': 1 })).toThrow(UnionpayError)
    expect(() => parseQualMap('qual.select', { '20171108_20171101': -1 })).toThrow(UnionpayError)
  })

  it('awardInfo: the seed example (all empty) is no prize; 06/07; an object or a JSON string; unknown types refused', () => {
    const empty = { activityNumber: '', activityName: '', awardType: '', awardValue: '', drawDesc: '' }
    expect(parseAwardInfo('qual.reduce', empty)).toEqual({ kind: 'none', drawDesc: null })
    expect(
      parseAwardInfo('qual.reduce', JSON.stringify({ awardType: '06', awardValue: '120', awardName: '红包' })),
    ).toMatchObject({ kind: 'redPacket', amount: 120 })
    expect(parseAwardInfo('qual.reduce', { awardType: '07', awardValue: 2, extAcctId: 'C1' })).toMatchObject({
      kind: 'coupon',
      count: 2,
      couponId: 'C1',
    })
    expect(() => parseAwardInfo('qual.reduce', { awardType: '08', awardValue: '1' })).toThrow(/unknown awardType/)
    expect(() => parseAwardInfo('qual.reduce', { awardType: '06', awardValue: '1.5' })).toThrow(UnionpayError)
    expect(() => parseAwardInfo('qual.reduce', '{not json')).toThrow(UnionpayError)
  })
})
