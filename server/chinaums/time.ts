import { beijingParts } from '../time.ts'

export { compactTimestamp, parseCompactTimestamp, parseRequestTimestamp, requestTimestamp } from '../time.ts'

/**
 * The 17-digit time part of the seed's merOrderId rule, `yyyyMMddmmHHssSSS`: note that the seed
 * writes minutes BEFORE hours. We follow the seed literally (it only has to be unique).
 */
export function orderIdTime(now: number): string {
  const p = beijingParts(now)
  return `${p.yyyy}${p.MM}${p.dd}${p.mm}${p.HH}${p.ss}${p.SSS}`
}
