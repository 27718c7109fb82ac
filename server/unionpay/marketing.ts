import { z } from 'zod'
import { DomainError } from '../errors.ts'
import type { PlatformParams } from './client.ts'
import { UnionpayError } from './errors.ts'
import {
  beijingStamp,
  callWithBackendToken,
  certIdSchema,
  checkAnswer,
  checkInput,
  decryptAnswer,
  encrypt,
  mobileSchema,
  openIdSchema,
  panSchema,
  serialSchema,
  signedBody,
  yyyymmdd,
  type OpenApiDeps,
} from './open-api.ts'

/** 5.8.1: 机构账户代码, "必须18位" (附录十: T00 + 接入方代码). */
const insAcctIdSchema = z.string().regex(/^[0-9A-Za-z]{18}$/, '机构账户代码须为 18 位字母或数字（T00 + 接入方代码）')
const qualNumSchema = z.string().regex(/^[0-9A-Za-z-]{1,64}$/, '资格池编号须为 UUID')
const centsSchema = z.number().int('须为整数（分）').min(1, '须大于 0 分').max(99_999_999, '过大')

/** 5.8.3–5.8.5 qualType, fixed values. */
export const QUAL_TYPES = ['open_id', 'mobile', 'card_no'] as const
export type QualType = (typeof QUAL_TYPES)[number]

const qualSchema = z
  .object({
    qualNum: qualNumSchema,
    qualType: z.enum(QUAL_TYPES, 'qualType 须为 open_id / mobile / card_no'),
    qualValue: z.string(),
  })
  .superRefine((q, ctx) => {
    const rule = q.qualType === 'open_id' ? openIdSchema : q.qualType === 'mobile' ? mobileSchema : panSchema
    const r = rule.safeParse(q.qualValue)
    if (!r.success)
      ctx.addIssue({ code: 'custom', path: ['qualValue'], message: r.error.issues[0]?.message ?? '不合法' })
  })

export interface Qualifier {
  qualNum: string
  qualType: QualType
  /** Plain value (openId, mobile or card number); sent 3DES-encrypted. */
  qualValue: string
}

/**
 * The seed prints a business result both as the outer `resp` and as `params.resp` (5.8.1–5.8.5
 * examples); a non-empty `params.resp` other than 00 is read as the API's answer code.
 */
function innerResp(api: string, params: PlatformParams): void {
  const r = params.resp
  if (typeof r === 'string' && r.trim() !== '' && r.trim() !== '00') {
    throw new UnionpayError(api, r.trim(), typeof params.respMsg === 'string' ? params.respMsg : '')
  }
}

/** 附录十 note 2: AM03051 = the activity's budget cannot pay; other codes stay UnionpayErrors. */
export function mapMarketingError(err: unknown): unknown {
  if (err instanceof UnionpayError && err.kind === 'platform' && err.resp === 'AM03051') {
    return new DomainError('conflict', 'BALANCE_TOO_LOW', '活动预算余额不足（AM03051），请联系运营充值后再试', {
      api: err.api,
      resp: err.resp,
    })
  }
  return err
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw mapMarketingError(err)
  }
}

/** 5.8.1, 5.8.4, 5.8.5: a partner-signed call with some fields sent encrypted; a `params.resp` refusal throws. */
async function partnerSignedCall(
  deps: OpenApiDeps,
  api: string,
  plain: Record<string, string | undefined>,
  encrypted: readonly string[],
): Promise<PlatformParams> {
  const params = await deps.client.call(api, signedBody(deps, api, plain, encrypted))
  innerResp(api, params)
  return params
}

// ---- 5.8.1 red.packet.give ----

export interface GiveRedPacketInput {
  insAcctId: string
  transNumber: string
  openId?: string | undefined
  mobile?: string | undefined
  pan?: string | undefined
  /** 分. */
  amount: number
  remark?: string | undefined
}

const giveSchema = z
  .object({
    insAcctId: insAcctIdSchema,
    transNumber: serialSchema,
    openId: openIdSchema.optional(),
    mobile: mobileSchema.optional(),
    pan: panSchema.optional(),
    amount: centsSchema,
    remark: z.string().max(64, '备注过长').optional(),
  })
  .refine((g) => !!(g.openId || g.mobile || g.pan), { message: 'openId、mobile、pan 至少上送一个', path: ['openId'] })

/**
 * 5.8.1 red.packet.give. Beware 附录十 note 1: with too little balance the platform still answers
 * success and gives nothing — callers that need certainty compare red.packet.select before/after.
 */
export async function giveRedPacket(deps: OpenApiDeps, input: GiveRedPacketInput): Promise<void> {
  const api = 'red.packet.give'
  const i = checkInput(api, giveSchema, input)
  return guarded(async () => {
    await partnerSignedCall(
      deps,
      api,
      {
        insAcctId: i.insAcctId,
        transNumber: i.transNumber,
        openId: i.openId,
        mobile: i.mobile,
        pan: i.pan,
        pointAt: String(i.amount),
        remark: i.remark,
      },
      ['mobile', 'pan', 'pointAt'],
    )
  })
}

// ---- 5.8.2 red.packet.select ----

export interface RedPacketAccount {
  /** acctSt as decrypted (the seed does not list its values). */
  status: string
  /** 分. */
  balance: number
  validBegin: string | null
  validEnd: string | null
}

const selectAnswer = z.object({
  acctSt: z.string(),
  acctBalance: z.string().min(1, 'is empty'),
  validBeginDtTm: z.string().optional(),
  validEndDtTm: z.string().optional(),
})

/** 5.8.2 red.packet.select: the 机构账户's state and balance (both 3DES-encrypted in the answer). */
export async function selectRedPacketAccount(
  deps: OpenApiDeps,
  input: { insAcctId: string; transNumber: string },
): Promise<RedPacketAccount> {
  const api = 'red.packet.select'
  const i = checkInput(api, z.object({ insAcctId: insAcctIdSchema, transNumber: serialSchema }), input)
  return guarded(async () => {
    const { date, time } = beijingStamp(deps.clock())
    const params = await callWithBackendToken(deps, api, {
      insAcctId: i.insAcctId,
      transNumber: i.transNumber,
      transDt: date,
      transTm: time,
    })
    innerResp(api, params)
    const a = checkAnswer(api, selectAnswer, params)
    const balance = decryptAnswer(deps, api, 'acctBalance', a.acctBalance.trim())
    if (!/^\d{1,12}$/.test(balance))
      throw new UnionpayError(api, 'PROTOCOL', 'acctBalance is not a whole number of fen', 'protocol')
    return {
      status: decryptAnswer(deps, api, 'acctSt', a.acctSt.trim()),
      balance: Number(balance),
      validBegin: a.validBeginDtTm?.trim() || null,
      validEnd: a.validEndDtTm?.trim() || null,
    }
  })
}

// ---- 5.8.3 qual.select ----

export interface Qualification {
  /** yyyyMMdd */
  start: string
  end: string
  count: number
}

/** qualMap keys are `end_start` (结束日期在前); values are counts, as numbers or numeric strings. */
export function parseQualMap(api: string, raw: unknown): Qualification[] {
  const map = typeof raw === 'string' && raw.trim().startsWith('{') ? (JSON.parse(raw) as unknown) : raw
  if (map === undefined || map === null || map === '') return []
  if (typeof map !== 'object' || Array.isArray(map))
    throw new UnionpayError(api, 'PROTOCOL', 'qualMap is not a map', 'protocol')
  const out: Qualification[] = []
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    const m = /^(\d{8})_(\d{8})$/.exec(k.trim())
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN
    if (!m || !Number.isInteger(n) || n < 0)
      throw new UnionpayError(api, 'PROTOCOL', `bad qualMap entry ${k}`, 'protocol')
    out.push({ end: m[1] ?? '', start: m[2] ?? '', count: n })
  }
  return out.sort((a, b) => a.end.localeCompare(b.end))
}

/** 5.8.3 qual.select: the user's lottery chances in a 资格池, per validity window. */
export async function selectQualifications(deps: OpenApiDeps, input: Qualifier): Promise<Qualification[]> {
  const api = 'qual.select'
  const i = checkInput(api, qualSchema, input)
  return guarded(async () => {
    const params = await callWithBackendToken(deps, api, {
      qualNum: i.qualNum,
      qualType: i.qualType,
      qualValue: encrypt(deps, i.qualValue),
    })
    const code = typeof params.respCode === 'string' ? params.respCode.trim() : ''
    if (code !== '' && code !== '00')
      throw new UnionpayError(api, code, typeof params.respMsg === 'string' ? params.respMsg : '')
    try {
      return parseQualMap(api, params.qualMap)
    } catch (err) {
      if (err instanceof UnionpayError) throw err
      throw new UnionpayError(api, 'PROTOCOL', 'qualMap is not JSON', 'protocol')
    }
  })
}

// ---- 5.8.4 qual.send ----

export interface SendQualInput extends Qualifier {
  count: number
  transNumber: string
  startDate: string
  endDate: string
}

const sendSchema = qualSchema
  .and(
    z.object({
      count: z.number().int('须为整数').min(1, '至少 1 次').max(100, '单次最多 100 次'),
      transNumber: serialSchema,
      startDate: yyyymmdd,
      endDate: yyyymmdd,
    }),
  )
  .refine((s) => s.endDate >= s.startDate, { message: '结束日期不能早于起始日期', path: ['endDate'] })

/** 5.8.4 qual.send: grant lottery chances (partner-signed; qualValue and count sent encrypted). */
export async function sendQualification(deps: OpenApiDeps, input: SendQualInput): Promise<void> {
  const api = 'qual.send'
  const i = checkInput(api, sendSchema, input)
  return guarded(async () => {
    await partnerSignedCall(
      deps,
      api,
      {
        qualNum: i.qualNum,
        qualType: i.qualType,
        qualValue: i.qualValue,
        count: String(i.count),
        transNumber: i.transNumber,
        startDate: i.startDate,
        endDate: i.endDate,
      },
      ['qualValue', 'count'],
    )
  })
}

// ---- 5.8.5 qual.reduce ----

export interface DrawInput extends Qualifier {
  activityNumber: string
  transNumber: string
  orderAmount?: string | undefined
  certId?: string | undefined
  icTerminal?: string | undefined
  qrCode?: string | undefined
}

export type Award =
  | { kind: 'none'; drawDesc: string | null }
  | { kind: 'redPacket'; amount: number; name: string | null; drawDesc: string | null; activityName: string | null }
  | {
      kind: 'coupon'
      count: number
      couponId: string | null
      couponName: string | null
      name: string | null
      startDate: string | null
      endDate: string | null
      goodsUrl: string | null
      drawDesc: string | null
      activityName: string | null
    }

export interface DrawResult {
  transNumber: string
  respTime: string | null
  award: Award
}

const drawSchema = qualSchema.and(
  z.object({
    activityNumber: serialSchema,
    transNumber: serialSchema,
    orderAmount: z
      .string()
      .regex(/^\d{1,12}$/, '订单金额须为整数（分）')
      .optional(),
    certId: certIdSchema.optional(),
    icTerminal: z
      .string()
      .regex(/^[0-9A-Za-z]{1,32}$/, '设备终端须为 1-32 位字母或数字')
      .optional(),
    qrCode: z
      .string()
      .regex(/^[0-9A-Za-z]{1,64}$/, '红包码须为 1-64 位字母或数字')
      .optional(),
  }),
)

const str = z.union([z.string(), z.number()]).optional()
const awardSchema = z.object({
  activityNumber: str,
  activityName: str,
  awardId: str,
  awardType: str,
  awardName: str,
  awardValue: str,
  extAcctId: str,
  extAcctName: str,
  drawDesc: str,
  couponStartDate: str,
  couponEndDate: str,
  couponGoodsUrl: str,
})

const text = (v: string | number | undefined): string | null => {
  const s = v === undefined ? '' : String(v).trim()
  return s === '' ? null : s
}

/** 5.8.5 awardInfo: awardType 06 红包 (awardValue in 分), 07 商城券 (awardValue = 张数); empty = no prize. */
export function parseAwardInfo(api: string, raw: unknown): Award {
  let value = raw
  if (typeof raw === 'string') {
    if (raw.trim() === '') return { kind: 'none', drawDesc: null }
    try {
      value = JSON.parse(raw)
    } catch {
      throw new UnionpayError(api, 'PROTOCOL', 'awardInfo is not JSON', 'protocol')
    }
  }
  if (value === undefined || value === null) return { kind: 'none', drawDesc: null }
  const r = awardSchema.safeParse(value)
  if (!r.success) throw new UnionpayError(api, 'PROTOCOL', 'awardInfo is not an object of strings', 'protocol')
  const a = r.data
  const type = text(a.awardType)
  const drawDesc = text(a.drawDesc)
  if (type === null) return { kind: 'none', drawDesc }
  const amount = text(a.awardValue)
  if (amount === null || !/^\d{1,12}$/.test(amount))
    throw new UnionpayError(api, 'PROTOCOL', 'awardValue is not a whole number', 'protocol')
  if (type === '06')
    return {
      kind: 'redPacket',
      amount: Number(amount),
      name: text(a.awardName),
      drawDesc,
      activityName: text(a.activityName),
    }
  if (type === '07') {
    return {
      kind: 'coupon',
      count: Number(amount),
      couponId: text(a.extAcctId),
      couponName: text(a.extAcctName),
      name: text(a.awardName),
      startDate: text(a.couponStartDate),
      endDate: text(a.couponEndDate),
      goodsUrl: text(a.couponGoodsUrl),
      drawDesc,
      activityName: text(a.activityName),
    }
  }
  throw new UnionpayError(api, 'PROTOCOL', `unknown awardType ${type}`, 'protocol')
}

/** 5.8.5 qual.reduce: spend one chance and draw (partner-signed; qualValue and certId sent encrypted). */
export async function draw(deps: OpenApiDeps, input: DrawInput): Promise<DrawResult> {
  const api = 'qual.reduce'
  const i = checkInput(api, drawSchema, input)
  return guarded(async () => {
    const params = await partnerSignedCall(
      deps,
      api,
      {
        activityNumber: i.activityNumber,
        orderAmount: i.orderAmount,
        qualNum: i.qualNum,
        qualType: i.qualType,
        qualValue: i.qualValue,
        certId: i.certId,
        icTerminal: i.icTerminal,
        qrCode: i.qrCode,
        transNumber: i.transNumber,
      },
      ['qualValue', 'certId'],
    )
    const echoed = typeof params.transNumber === 'string' ? params.transNumber.trim() : ''
    if (echoed !== '' && echoed !== i.transNumber)
      throw new UnionpayError(api, 'PROTOCOL', 'answer is about another transNumber', 'protocol')
    return {
      transNumber: i.transNumber,
      respTime: typeof params.respTime === 'string' && params.respTime.trim() !== '' ? params.respTime.trim() : null,
      award: parseAwardInfo(api, params.awardInfo),
    }
  })
}
