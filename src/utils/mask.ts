/** 13812345678 → 138****5678 */
export function maskMobile(mobile: string): string {
  if (mobile.length < 7) return '*'.repeat(mobile.length)
  return `${mobile.slice(0, 3)}${'*'.repeat(mobile.length - 7)}${mobile.slice(-4)}`
}

/** 张三 → 张*, 欧阳娜娜 → 欧***; keeps the first character only. */
export function maskName(name: string): string {
  const chars = [...name]
  if (chars.length <= 1) return name ? '*' : ''
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`
}

/** 110101199003071234 → 1101**********1234 */
export function maskCertId(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length)
  return `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`
}
