import { z } from 'zod'
import {
  callWithBackendToken,
  certIdSchema,
  checkInput,
  encrypt,
  mobileSchema,
  openIdSchema,
  serialSchema,
  type OpenApiDeps,
} from './open-api.ts'

const API = 'putIndustryCard'

/** 5.7.1 transTp. */
export const INDUSTRY_CARD_ACTIONS = { add: '01', update: '02', delete: '03' } as const
export type IndustryCardAction = keyof typeof INDUSTRY_CARD_ACTIONS

export interface IndustryCardInput {
  action: IndustryCardAction
  openId: string
  cardModuleId: string
  bussCardNo: string
  cardSubTp: string
  region?: string | undefined
  channelNo?: string | undefined
  /** Plain values; sent 3DES-encrypted (5.7.1 说明). */
  name?: string | undefined
  certId?: string | undefined
  mobileNo?: string | undefined
}

const inputSchema = z.object({
  action: z.enum(['add', 'update', 'delete'], '须为 add / update / delete（transTp 01/02/03）'),
  openId: openIdSchema,
  cardModuleId: serialSchema,
  bussCardNo: serialSchema,
  cardSubTp: z.string().regex(/^[0-9A-Za-z]{1,8}$/, '须为 1-8 位字母或数字'),
  region: z
    .string()
    .regex(/^\d{6}$/, '须为 6 位地区代码')
    .optional(),
  channelNo: serialSchema.optional(),
  name: z.string().trim().min(1, '不能为空').max(30, '过长').optional(),
  certId: certIdSchema.optional(),
  mobileNo: mobileSchema.optional(),
})

/** 5.7.1 putIndustryCard: add (01), update (02) or delete (03) a 行业卡 in the user's 云闪付. */
export async function putIndustryCard(deps: OpenApiDeps, input: IndustryCardInput): Promise<void> {
  const i = checkInput(API, inputSchema, input)
  const body: Record<string, string> = {
    cardModuleId: i.cardModuleId,
    bussCardNo: i.bussCardNo,
    cardSubTp: i.cardSubTp,
    transTp: INDUSTRY_CARD_ACTIONS[i.action],
    openId: i.openId,
  }
  if (i.region) body.region = i.region
  if (i.channelNo) body.channelNo = i.channelNo
  if (i.name) body.name = encrypt(deps, i.name)
  if (i.certId) body.certId = encrypt(deps, i.certId)
  if (i.mobileNo) body.mobileNo = encrypt(deps, i.mobileNo)
  await callWithBackendToken(deps, API, body)
}
