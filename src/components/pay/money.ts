export const MAX_FEN = 100_000_000
const OUT_OF_RANGE = '金额超出范围：单笔 0.01–1,000,000.00 元'

/**
 * Parses what the user typed in 元 into 分 without floating point: "12", "12.3", "12.34".
 * Returns an error message (Chinese) instead when it is not a valid amount.
 */
export function parseYuan(input: string): { fen: number } | { error: string } {
  const s = input.trim()
  if (s === '') return { error: '请输入金额' }
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s)
  if (!m) return { error: '金额格式不正确：只能填数字，例如 12.34' }
  const [, whole = '', cents = ''] = m
  if (cents.length > 2) return { error: '金额最多两位小数（精确到分）' }
  const yuan = whole.replace(/^0+(?=\d)/, '')
  if (yuan.length > 7) return { error: OUT_OF_RANGE }
  const fen = Number(yuan) * 100 + Number(cents.padEnd(2, '0'))
  if (fen < 1) return { error: '金额必须大于 0' }
  if (fen > MAX_FEN) return { error: OUT_OF_RANGE }
  return { fen }
}

/** 分 → "12.34" */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const a = Math.abs(Math.trunc(fen))
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`
}
