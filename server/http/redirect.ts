/**
 * A same-origin path to return to, or null. Rejects absolute and protocol-relative URLs,
 * backslashes (browsers read `/\evil` as `//evil`) and control characters, also after dot
 * segments are resolved (`/.//evil` and `/a/..//evil` normalise to `//evil`).
 */
export function safeRedirectPath(input: unknown): string | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > 512) return null
  if (!input.startsWith('/') || input.startsWith('//') || input.includes('\\')) return null
  if (/[\u0000-\u001f\u007f]/.test(input)) return null
  try {
    const base = 'http://upkit.invalid'
    const u = new URL(input, base)
    if (u.origin !== base || u.pathname.startsWith('//')) return null
    return `${u.pathname}${u.search}${u.hash}`
  } catch {
    return null
  }
}
