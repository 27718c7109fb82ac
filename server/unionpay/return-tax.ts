import { z } from 'zod'
import { callWithBackendToken, checkAnswer, checkInput, decryptAnswer, type OpenApiDeps } from './open-api.ts'
import { UnionpayError } from './errors.ts'

const API = 'return.tax'

/** 5.6.1 cardType (printed `cardTyoe` in the table). */
export const TAX_CARD_TYPES: Readonly<Record<string, string>> = {
  '1': '借记卡',
  '2': '贷记卡',
  '3': '准贷记卡',
  '4': '借贷合一卡',
}

export type ReturnTaxResult = { found: false } | { found: true; cardNo: string; cardType: string; cardTypeName: string }

const inputSchema = z.object({ refundNo: z.string().regex(/^[0-9A-Za-z]{1,64}$/, '退税号须为 1-64 位字母或数字') })

const answerSchema = z.object({
  cardNo: z.string().optional(),
  cardType: z.union([z.string(), z.number()]).optional(),
  cardTyoe: z.union([z.string(), z.number()]).optional(),
})

/**
 * 5.6.1 return.tax: the card a 退税号 is paid to. `cardNo` arrives 3DES-encrypted and is decrypted
 * here; an answer with an empty cardNo (the seed's example) means no card is known for the number.
 */
export async function queryReturnTax(deps: OpenApiDeps, input: { refundNo: string }): Promise<ReturnTaxResult> {
  const i = checkInput(API, inputSchema, input)
  const a = checkAnswer(API, answerSchema, await callWithBackendToken(deps, API, i))
  const cardNo = decryptAnswer(deps, API, 'cardNo', (a.cardNo ?? '').trim())
  if (cardNo === '') return { found: false }
  if (!/^\d{12,19}$/.test(cardNo))
    throw new UnionpayError(API, 'PROTOCOL', 'cardNo does not decrypt to a card number', 'protocol')
  const cardType = String(a.cardType ?? a.cardTyoe ?? '').trim()
  const name = TAX_CARD_TYPES[cardType]
  if (!name) throw new UnionpayError(API, 'PROTOCOL', `unknown cardType ${cardType || '(empty)'}`, 'protocol')
  return { found: true, cardNo, cardType, cardTypeName: name }
}
