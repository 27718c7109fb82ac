import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Constant-time string equality. Both sides are hashed first, so unequal lengths take the same
 * path and nothing about the expected value's length leaks.
 */
export function sameString(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest()
  const hb = createHash('sha256').update(b, 'utf8').digest()
  return timingSafeEqual(ha, hb) && a.length === b.length
}
