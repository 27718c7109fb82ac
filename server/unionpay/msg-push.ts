import { z } from 'zod'
import { DomainError } from '../errors.ts'
import { callWithBackendToken, checkAnswer, checkInput, openIdSchema, type OpenApiDeps } from './open-api.ts'
import { UnionpayError } from './errors.ts'

const API = 'new.msg.push'

/** 5.5.1: at most 140 characters, 70 when Chinese — read as 140 units, a non-ASCII character counting 2. */
export const PUSH_CONTENT_UNITS = 140

export function pushContentUnits(content: string): number {
  let n = 0
  for (const ch of content) n += ch.charCodeAt(0) < 0x80 ? 1 : 2
  return n
}

export interface PushInput {
  openId: string
  content: string
  /** Opened when the user taps the message; must be inside the UPSDK 安全域名 (UPSDK_ALLOWED_ORIGINS). */
  url: string
}

function inputSchema(allowedOrigins: readonly string[]) {
  return z.object({
    openId: openIdSchema,
    content: z
      .string()
      .refine((c) => c.trim() !== '', '不能为空')
      .refine(
        (c) => pushContentUnits(c) <= PUSH_CONTENT_UNITS,
        `超过 ${PUSH_CONTENT_UNITS} 个字符（中文计 2 个，最多 70 个汉字）`,
      ),
    url: z
      .string()
      .max(1024, '过长')
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), '须为 http(s) 绝对地址')
      .refine(
        (u) => !URL.canParse(u) || allowedOrigins.includes(new URL(u).origin),
        '不在 UPSDK 安全域名内（UPSDK_ALLOWED_ORIGINS）',
      ),
  })
}

const answerSchema = z.object({
  resultCd: z.string().min(1, 'is empty'),
  openId: z.string().optional(),
  appId: z.string().optional(),
})

/** 5.5.1 new.msg.push: one message to one user. `resultCd` other than 00 is a refusal. */
export async function pushMessage(
  deps: OpenApiDeps,
  allowedOrigins: readonly string[],
  input: PushInput,
): Promise<void> {
  const i = checkInput(API, inputSchema(allowedOrigins), input)
  const params = await callWithBackendToken(deps, API, i)
  const a = checkAnswer(API, answerSchema, params)
  if (a.openId !== undefined && a.openId !== '' && a.openId !== i.openId) {
    throw new UnionpayError(API, 'PROTOCOL', 'answer is about another openId', 'protocol')
  }
  const resultCd = a.resultCd.trim()
  if (resultCd !== '00') {
    throw new DomainError('upstream', 'PUSH_REFUSED', `云闪付未能推送此消息（resultCd ${resultCd}）`, {
      api: API,
      resultCd,
    })
  }
}
