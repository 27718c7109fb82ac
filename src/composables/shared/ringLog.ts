/** `list` with `entry` appended, keeping only the newest `limit` entries (a fresh array, for shallow refs). */
export function appendRing<T>(list: readonly T[], entry: T, limit: number): readonly T[] {
  const next = [...list, entry]
  return next.length > limit ? next.slice(next.length - limit) : next
}
