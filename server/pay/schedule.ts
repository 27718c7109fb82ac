export const FIRST_CHECK_AFTER_MS = 5 * 60_000
const MAX_GAP_MS = 6 * 3600_000
/** After this many queries without a final status we stop asking (the 对账文件 is the final word). */
export const MAX_CHECKS = 12

/**
 * Gap before the next status query after `checks` queries: 5 min after the order, then 5, 10,
 * 20, 40 min... capped at 6 h — never a tight loop (the platform blacklists frequent queries).
 * null once MAX_CHECKS is reached.
 */
export function nextCheckGap(checks: number): number | null {
  if (checks >= MAX_CHECKS) return null
  return Math.min(FIRST_CHECK_AFTER_MS * 2 ** Math.max(0, checks - 1), MAX_GAP_MS)
}
