import { decryptFromPartner, partnerString, verifyPartner } from '../../crypto/partner.ts'
import { encryptForPartner } from '../../crypto/tdes.ts'
import { beijingCompact } from '../../crypto/time.ts'
import { fail, ok, type ApiReply, type ApiTable } from '../api.ts'
import type { UnionpaySandboxState } from '../state.ts'
import { envelope, gate, isReply, scripted } from './checks.ts'
import type { Grant, SandboxOpenApis } from './state.ts'

/**
 * 5.8 红包/抽奖 as the sandbox judges them. The seed names only AM03051; the other refusals use
 * the sandbox's own codes (RP… 红包, QL… 抽奖), listed in docs/open-apis.md.
 */

const QUAL_TYPES = ['open_id', 'mobile', 'card_no']

const beijingDay = (now: number): string => beijingCompact(now).slice(0, 8)

function isDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false
  const d = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10).replace(/-/g, '') === s
}

/**
 * The 5.8.1 rule, checked: decrypt the encrypted fields, then verify the partner's SHA256withRSA
 * signature over every other field's plain value. A signature over the non-empty fields only is
 * accepted too (the seed's example sends empty `pan` and `remark`).
 */
function checkSigned(
  o: SandboxOpenApis,
  body: Record<string, unknown>,
  state: UnionpaySandboxState,
  required: ReadonlyArray<readonly [string, string, string]>,
  encrypted: readonly string[],
): { plain: Record<string, string> } | ApiReply {
  const b = envelope(body, state, required)
  if (isReply(b)) return b
  if (!o.partnerKey) return fail('RP0009', '未登记接入方RSA公钥')
  const plain: Record<string, string> = { ...b }
  for (const f of encrypted) {
    const v = b[f]
    if (v === undefined || v === '') continue
    const p = decryptFromPartner(v, o.symmetricKey)
    if (p === null) return fail('RP0005', `${f}须为symmetricKey 3DES加密后的base64`)
    plain[f] = p
  }
  const sig = b.signature ?? ''
  const verified =
    verifyPartner(partnerString(plain, false), sig, o.partnerKey) ||
    verifyPartner(partnerString(plain, true), sig, o.partnerKey)
  if (!verified) return fail('N62104', '签名校验失败：请用接入方私钥对明文字段签名')
  return { plain }
}

function qualKey(type: string, value: string): string {
  return `${type}:${value}`
}

function checkQualValue(type: string, value: string, state: UnionpaySandboxState): ApiReply | null {
  if (!QUAL_TYPES.includes(type)) return fail('QL0001', 'qualType须为open_id、mobile或card_no')
  if (type === 'open_id' && !state.users.has(value)) return fail('QL0006', '资格值对应的用户不存在')
  if (type === 'mobile' && !/^1\d{10}$/.test(value)) return fail('QL0001', 'qualValue解密后不是手机号')
  if (type === 'card_no' && !/^\d{12,19}$/.test(value)) return fail('QL0001', 'qualValue解密后不是卡号')
  return null
}

export const marketingApis: ApiTable = {
  'red.packet.give'(body, { unionpay: state, open: o }) {
    const r = checkSigned(
      o,
      body,
      state,
      [
        ['insAcctId', 'RP0001', 'insAcctId不能为空'],
        ['transNumber', 'RP0001', 'transNumber不能为空'],
        ['pointAt', 'RP0001', 'pointAt不能为空'],
      ],
      ['mobile', 'pan', 'pointAt'],
    )
    if (isReply(r)) return r
    const p = r.plain
    if ((p.insAcctId ?? '').length !== 18) return fail('RP0001', '机构账户代码必须18位')
    const acct = o.accounts.get(p.insAcctId ?? '')
    if (!acct) return fail('RP0002', '机构账户不存在')
    if (acct.status !== '0') return fail('RP0003', '机构账户状态异常')
    if (!p.openId && !p.mobile && !p.pan) return fail('RP0001', 'openId、mobile、pan不能同时为空')
    if (!/^\d{1,12}$/.test(p.pointAt ?? '') || Number(p.pointAt) <= 0) return fail('RP0001', '交易金额须为正整数（分）')
    const user = p.openId
      ? state.users.get(p.openId)
      : [...state.users.values()].find((u) => u.mobile !== '' && u.mobile === p.mobile)
    if (!user && !p.pan) return fail('RP0006', '用户不存在')
    const s = scripted(o, 'red.packet.give')
    if (s) return s
    if (!o.useTransNumber('red.packet.give', p.transNumber ?? '')) return fail('RP0004', '交易流水号重复')
    const amount = Number(p.pointAt)
    // 附录十 note 1: with too little balance the answer is still success, and nothing moves.
    if (acct.balance >= amount) acct.balance -= amount
    return ok({ resp: '00' })
  },

  'red.packet.select'(body, { unionpay: state, open: o }) {
    const bad = gate(o, 'red.packet.select', body, state, [
      ['insAcctId', 'RP0001', 'insAcctId不能为空'],
      ['transNumber', 'RP0001', 'transNumber不能为空'],
      ['transDt', 'RP0001', 'transDt不能为空'],
      ['transTm', 'RP0001', 'transTm不能为空'],
    ])
    if (bad) return bad
    const b = body as Record<string, string>
    if (
      !isDate(b.transDt ?? '') ||
      !/^\d{14}$/.test(b.transTm ?? '') ||
      !(b.transTm ?? '').startsWith(b.transDt ?? '')
    ) {
      return fail('RP0001', 'transDt须为YYYYMMDD，transTm须为同日的YYYYMMDDHHMMSS')
    }
    if ((b.insAcctId ?? '').length !== 18) return fail('RP0001', '机构账户代码必须18位')
    const acct = o.accounts.get(b.insAcctId ?? '')
    if (!acct) return fail('RP0002', '机构账户不存在')
    return {
      ...ok({
        acctSt: encryptForPartner(acct.status, o.symmetricKey),
        acctBalance: encryptForPartner(String(acct.balance), o.symmetricKey),
        validBeginDtTm: acct.validBegin,
        validEndDtTm: acct.validEnd,
      }),
      msg: '成功',
    }
  },

  'qual.select'(body, { unionpay: state, open: o }) {
    const bad = gate(o, 'qual.select', body, state, [
      ['qualNum', 'QL0001', 'qualNum不能为空'],
      ['qualType', 'QL0001', 'qualType不能为空'],
      ['qualValue', 'QL0001', 'qualValue不能为空'],
    ])
    if (bad) return bad
    const b = body as Record<string, string>
    const value = decryptFromPartner(b.qualValue ?? '', o.symmetricKey)
    if (value === null) return fail('RP0005', 'qualValue须为symmetricKey 3DES加密后的base64')
    const badValue = checkQualValue(b.qualType ?? '', value, state)
    if (badValue) return badValue
    const pool = o.pools.get(b.qualNum ?? '')
    if (!pool) return fail('QL0002', '资格池不存在')
    const qualMap: Record<string, number> = {}
    for (const g of pool.get(qualKey(b.qualType ?? '', value)) ?? [])
      if (g.count > 0) qualMap[`${g.end}_${g.start}`] = g.count
    return { ...ok({ qualMap, respCode: '00', respMsg: '成功' }), msg: '成功' }
  },

  'qual.send'(body, { unionpay: state, open: o }) {
    const r = checkSigned(
      o,
      body,
      state,
      [
        ['qualNum', 'QL0001', 'qualNum不能为空'],
        ['qualType', 'QL0001', 'qualType不能为空'],
        ['qualValue', 'QL0001', 'qualValue不能为空'],
        ['count', 'QL0001', 'count不能为空'],
        ['transNumber', 'QL0001', 'transNumber不能为空'],
        ['startDate', 'QL0001', 'startDate不能为空'],
        ['endDate', 'QL0001', 'endDate不能为空'],
      ],
      ['qualValue', 'count'],
    )
    if (isReply(r)) return r
    const p = r.plain
    const badValue = checkQualValue(p.qualType ?? '', p.qualValue ?? '', state)
    if (badValue) return badValue
    if (!/^\d{1,6}$/.test(p.count ?? '') || Number(p.count) <= 0) return fail('QL0001', 'count须为正整数')
    const start = p.startDate ?? ''
    const end = p.endDate ?? ''
    if (!isDate(start) || !isDate(end) || end < start)
      return fail('QL0001', 'startDate/endDate须为yyyyMMdd且结束不早于起始')
    const pool = o.pools.get(p.qualNum ?? '')
    if (!pool) return fail('QL0002', '资格池不存在')
    const s = scripted(o, 'qual.send')
    if (s) return s
    if (!o.useTransNumber('qual.send', p.transNumber ?? '')) return fail('QL0004', '流水号重复')
    const key = qualKey(p.qualType ?? '', p.qualValue ?? '')
    const grants = pool.get(key) ?? []
    const same = grants.find((g) => g.start === start && g.end === end)
    if (same) same.count += Number(p.count)
    else grants.push({ start, end, count: Number(p.count) })
    pool.set(key, grants)
    return ok({ resp: '00' })
  },

  'qual.reduce'(body, { unionpay: state, open: o }) {
    const r = checkSigned(
      o,
      body,
      state,
      [
        ['activityNumber', 'QL0001', 'activityNumber不能为空'],
        ['qualNum', 'QL0001', 'qualNum不能为空'],
        ['qualType', 'QL0001', 'qualType不能为空'],
        ['qualValue', 'QL0001', 'qualValue不能为空'],
        ['transNumber', 'QL0001', 'transNumber不能为空'],
      ],
      ['qualValue', 'certId'],
    )
    if (isReply(r)) return r
    const p = r.plain
    const badValue = checkQualValue(p.qualType ?? '', p.qualValue ?? '', state)
    if (badValue) return badValue
    if (p.orderAmount !== undefined && p.orderAmount !== '' && !/^\d{1,12}$/.test(p.orderAmount))
      return fail('QL0001', 'orderAmount须为整数（分）')
    const activity = o.activities.get(p.activityNumber ?? '')
    if (!activity) return fail('QL0002', '活动不存在')
    if (activity.qualNum !== p.qualNum) return fail('QL0003', '资格池与活动不符')
    const s = scripted(o, 'qual.reduce')
    if (s) return s
    const today = beijingDay(state.clock())
    const grants: Grant[] = o.pools.get(p.qualNum)?.get(qualKey(p.qualType ?? '', p.qualValue ?? '')) ?? []
    const usable = grants
      .filter((g) => g.count > 0 && g.start <= today && today <= g.end)
      .sort((a, b) => a.end.localeCompare(b.end))[0]
    if (!usable) return fail('QL0005', '无可用抽奖资格')
    const prize = activity.prizes[activity.next % activity.prizes.length] ?? 0
    // 附录十 note 2, printed with a leading space: `"resp":" AM03051"`.
    if (prize > activity.budget) return fail(' AM03051', '余额不足')
    if (!o.useTransNumber('qual.reduce', p.transNumber ?? '')) return fail('QL0004', '流水号重复')
    activity.next++
    usable.count--
    const base = {
      activityNumber: p.activityNumber ?? '',
      activityName: activity.name,
      beginTime: '20261101000000',
      endTime: '20261231235959',
    }
    let awardInfo: Record<string, string>
    if (prize > 0) {
      activity.budget -= prize
      awardInfo = {
        ...base,
        awardId: 'A06',
        awardType: '06',
        awardName: '随机红包',
        awardValue: String(prize),
        drawDesc: '恭喜获得红包',
      }
    } else if (prize < 0) {
      awardInfo = {
        ...base,
        awardId: 'A07',
        awardType: '07',
        awardName: '商城满减券',
        awardValue: String(-prize),
        extAcctId: 'CPN0001',
        extAcctName: '满50减5元券',
        drawDesc: '恭喜获得商城券',
        couponStartDate: today,
        couponEndDate: today.slice(0, 4) + '1231',
        couponGoodsUrl: 'https://127.0.0.1/mall/cpn0001',
      }
    } else {
      awardInfo = { ...base, drawDesc: '谢谢参与' }
    }
    return ok({ resp: '00', respTime: beijingCompact(state.clock()), awardInfo, transNumber: p.transNumber })
  },
}
