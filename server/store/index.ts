import type { KvStore } from './kv.ts'
import { MemoryKv } from './memory-kv.ts'
import { RedisKv } from './redis-kv.ts'

export type { KvStore } from './kv.ts'
export { openDatabase, type Db } from './kysely-db.ts'

export function openKv(redisUrl: string | undefined, clock: () => number = Date.now): KvStore {
  return redisUrl ? new RedisKv(redisUrl) : new MemoryKv(clock)
}
