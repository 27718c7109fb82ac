/**
 * `url` with Redis database `db` of its own: test files that flush or count shared keys each take
 * a fixed database (multi-process 9, jobs-instances 8, tokens-instances 7), so files running in
 * parallel never see each other's keys.
 */
export function isolatedRedisUrl(url: string, db: number): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}
