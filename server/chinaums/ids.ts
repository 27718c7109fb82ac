import { randomInt } from 'node:crypto'
import { orderIdTime } from './time.ts'

/**
 * Seed 004 1.1 / 1.3: `{来源编号(4)}{yyyyMMddmmHHssSSS(17)}{7 random digits}` — 28 characters.
 * The seed's time part puts minutes before hours; we follow it literally. Used for merOrderId
 * and refundOrderId alike.
 */
export function newMerOrderId(sourceId: string, now: number): string {
  return `${sourceId}${orderIdTime(now)}${String(randomInt(10_000_000)).padStart(7, '0')}`
}

/** What we accept as a merOrderId / refundOrderId in URLs and bodies: 6..32 of [0-9A-Za-z]. */
export const MER_ORDER_ID_RE = /^[0-9A-Za-z]{6,32}$/
