export const MAX_FEN = 100_000_000

/**
 * Parses what the user typed in 元 into 分 without floating point: "12", "12.3", "12.34".
 * Returns an error message (Chinese) instead when it is not a valid amount.
 */
export function parseYuan(input: string): { fen: number } | { error: string } {
  const s = input.trim()
  if (s === '') return { error: '请输入金额' }
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return { error: '金额格式不正确，最多两位小数' }
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  if (fen < 1) return { error: '金额必须大于 0' }
  if (fen > MAX_FEN) return { error: '单笔金额不能超过 1,000,000.00 元' }
  return { fen }
}

/** 分 → "12.34" */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const a = Math.abs(Math.trunc(fen))
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`
}
