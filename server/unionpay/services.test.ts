import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tdesDecrypt } from '../crypto/tdes.ts'
import { DomainError } from '../errors.ts'
import { putIndustryCard, type IndustryCardInput } from './industry-card.ts'
import { pushContentUnits, pushMessage } from './msg-push.ts'
import { startOpenApiFixture, USER1, USER2, type OpenApiFixture } from './open-api.fixture.ts'
import { isChineseId } from './open-api.ts'
import { queryReturnTax } from './return-tax.ts'

let f: OpenApiFixture
let origins: string[]
beforeAll(async () => {
  f = await startOpenApiFixture()
  origins = f.server.config.unionpay.upsdkAllowedOrigins
})
afterAll(() => f.server.close())

const badInput = async (p: Promise<unknown>, field: string) => {
  const err = await p.catch((e: unknown) => e)
  expect(err).toBeInstanceOf(DomainError)
  expect(err).toMatchObject({ kind: 'invalid', code: 'INVALID_INPUT' })
  expect((err as DomainError).message).toContain(field)
}

describe('5.5.1 new.msg.push', () => {
  it('counts a Chinese character as 2 of the 140', () => {
    expect(pushContentUnits('a'.repeat(140))).toBe(140)
    expect(pushContentUnits('红'.repeat(70))).toBe(140)
    expect(pushContentUnits('红包a')).toBe(5)
  })

  it('pushes to the user (the answer comes wrapped in {"result":…}) and the sandbox holds the message', async () => {
    const url = `${f.server.baseUrl}/marketing`
    await pushMessage(f.deps, origins, { openId: USER1.openId, content: '红'.repeat(70), url })
    expect(f.sandbox.pushes.at(-1)).toMatchObject({ openId: USER1.openId, content: '红'.repeat(70), url })
  })

  it('refuses 71 Chinese characters, empty content, and a url outside the UPSDK 安全域名 before any call', async () => {
    const before = f.calls('new.msg.push').length
    await badInput(
      pushMessage(f.deps, origins, { openId: USER1.openId, content: '红'.repeat(71), url: `${f.server.baseUrl}/` }),
      'content',
    )
    await badInput(
      pushMessage(f.deps, origins, { openId: USER1.openId, content: ' ', url: `${f.server.baseUrl}/` }),
      'content',
    )
    await badInput(
      pushMessage(f.deps, origins, { openId: USER1.openId, content: 'hi', url: 'https://evil.example/' }),
      'url',
    )
    await badInput(
      pushMessage(f.deps, origins, { openId: USER1.openId, content: 'hi', url: 'javascript:alert(1)' }),
      'url',
    )
    expect(f.calls('new.msg.push').length).toBe(before)
  })

  it('a resultCd other than 00 is PUSH_REFUSED', async () => {
    await f.server.app.inject({
      method: 'POST',
      url: '/sandbox/unionpay/__control/open/push-opt-out',
      payload: { openId: USER2.openId },
    })
    await expect(
      pushMessage(f.deps, origins, { openId: USER2.openId, content: 'hi', url: `${f.server.baseUrl}/` }),
    ).rejects.toMatchObject({
      kind: 'upstream',
      code: 'PUSH_REFUSED',
      details: { resultCd: '01' },
    })
  })

  it('refreshes the backendToken once when the platform says it is invalid', async () => {
    await f.server.app.inject({ method: 'POST', url: '/sandbox/__control/unionpay/expire-tokens' })
    await pushMessage(f.deps, origins, { openId: USER1.openId, content: 'again', url: `${f.server.baseUrl}/` })
    const last = f.server.sandbox?.unionpay.calls.slice(-3).map((c) => `${c.api}:${c.resp}`)
    expect(last).toEqual(['new.msg.push:a10', 'backendToken:00', 'new.msg.push:00'])
  })
})

describe('5.6.1 return.tax', () => {
  it('decrypts cardNo on the server and names the card type', async () => {
    await expect(queryReturnTax(f.deps, { refundNo: 'TR20261130000001' })).resolves.toEqual({
      found: true,
      cardNo: '6222021234567890123',
      cardType: '1',
      cardTypeName: '借记卡',
    })
  })

  it('an empty cardNo (the seed example) means no card is known', async () => {
    await expect(queryReturnTax(f.deps, { refundNo: 'TR0' })).resolves.toEqual({ found: false })
  })

  it('refuses a refundNo that is not 1-64 letters or digits', async () => {
    await badInput(queryReturnTax(f.deps, { refundNo: '' }), 'refundNo')
    await badInput(queryReturnTax(f.deps, { refundNo: 'a/b' }), 'refundNo')
  })

  it('an undecryptable cardNo is DECRYPT_FAILED, never a garbled number', async () => {
    const other = { ...f.deps, symmetricKey: 'ffffffffffffffffeeeeeeeeeeeeeeeedddddddddddddddd' }
    await expect(queryReturnTax(other, { refundNo: 'TR20261130000002' })).rejects.toMatchObject({
      kind: 'upstream',
      code: 'DECRYPT_FAILED',
    })
  })
})

describe('5.7.1 putIndustryCard', () => {
  const card = (over: Partial<IndustryCardInput> = {}): IndustryCardInput => ({
    action: 'add',
    openId: USER1.openId,
    cardModuleId: '213454765435423',
    bussCardNo: '12321325347654',
    cardSubTp: '1',
    region: '200120',
    name: '张三',
    certId: '11010519491231002X',
    mobileNo: '13812345678',
    ...over,
  })

  it('checks the ID check digit', () => {
    expect(isChineseId('11010519491231002X')).toBe(true)
    expect(isChineseId('110105194912310021')).toBe(false)
  })

  it('adds, updates and deletes (transTp 01/02/03) with name, certId and mobileNo sent 3DES-encrypted', async () => {
    await putIndustryCard(f.deps, card())
    const sent = f.calls('putIndustryCard').at(-1)?.body ?? {}
    expect(sent.transTp).toBe('01')
    expect(sent.name).not.toBe('张三')
    expect(tdesDecrypt(String(sent.name), f.deps.symmetricKey)).toBe('张三')
    expect(tdesDecrypt(String(sent.certId), f.deps.symmetricKey)).toBe('11010519491231002X')
    expect(tdesDecrypt(String(sent.mobileNo), f.deps.symmetricKey)).toBe('13812345678')
    expect(f.sandbox.industryCards.get(`${USER1.openId}|213454765435423|12321325347654`)).toMatchObject({
      name: '张三',
      mobileNo: '13812345678',
    })

    await putIndustryCard(
      f.deps,
      card({ action: 'update', cardSubTp: '2', name: undefined, certId: undefined, mobileNo: undefined }),
    )
    expect(f.calls('putIndustryCard').at(-1)?.body).not.toHaveProperty('name')
    await putIndustryCard(f.deps, card({ action: 'delete' }))
    expect(f.sandbox.industryCards.size).toBe(0)
    await expect(putIndustryCard(f.deps, card({ action: 'delete' }))).rejects.toMatchObject({ resp: 'IC0003' })
  })

  it('refuses bad fields before any call', async () => {
    await badInput(putIndustryCard(f.deps, card({ certId: '110105194912310021' })), 'certId')
    await badInput(putIndustryCard(f.deps, card({ mobileNo: '2381234567' })), 'mobileNo')
    await badInput(putIndustryCard(f.deps, card({ region: '20' })), 'region')
    await badInput(putIndustryCard(f.deps, card({ action: 'upsert' as 'add' })), 'action')
  })
})
