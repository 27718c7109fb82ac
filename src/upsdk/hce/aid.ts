import { UpsdkError } from '../errors'

const AID_RE = /^[0-9A-F]{10,32}$/

/**
 * Validates and normalises an AID list for startHCE (seed 6.24.2): comma-separated AIDs of 10–32
 * characters 0-9A-F. The kit also upper-cases, trims, drops duplicates, and requires whole bytes
 * (even length), since a reader SELECTs an AID as bytes. Throws `UpsdkError` (code 1102) naming
 * the bad AID; returns the string to send.
 */
export function validateAidList(input: string | readonly string[]): string {
  const parts = (typeof input === 'string' ? input.split(',') : [...input]).map((a) => a.trim().toUpperCase())
  const fail = (msg: string) => new UpsdkError('1102', `AID列表参数格式错误：${msg}`, 'validation', input, 'startHCE')
  if (parts.length === 0 || parts.every((p) => p === '')) throw fail('至少需要一个 AID')
  const out: string[] = []
  for (const aid of parts) {
    if (aid === '') throw fail('列表中有空的 AID（多余的逗号）')
    if (!AID_RE.test(aid)) throw fail(`“${aid}” 应为 10–32 位 0-9A-F 字符`)
    if (aid.length % 2 !== 0) throw fail(`“${aid}” 长度为奇数，不是整字节`)
    if (!out.includes(aid)) out.push(aid)
  }
  return out.join(',')
}

/** The same rule as a boolean, for form hints. */
export function isValidAidList(input: string | readonly string[]): boolean {
  try {
    validateAidList(input)
    return true
  } catch {
    return false
  }
}
