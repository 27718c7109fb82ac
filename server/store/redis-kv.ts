import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { CountIncrement, KvStore } from './kv.ts'

const DEL_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`
const TAKE = `local v = redis.call('GET', KEYS[1]); if v then redis.call('DEL', KEYS[1]) end; return v`
/** Sliding log in a sorted set: trim, count, add when under the limit — atomically. */
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`
/** Entries scored by their own expiry: forget the expired, add when under the limit, keep the key as long as its last entry. */
const RESERVE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  local want = math.ceil(tonumber(ARGV[3]) - tonumber(ARGV[1]))
  if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
  return 1
end
return 0`

export class RedisKv implements KvStore {
  private readonly redis: Redis

  constructor(
    url: string,
    private readonly prefix = 'upkit:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true })
    // a lost connection fails the commands, whose callers decide and log; without a listener
    // ioredis would also print every reconnect attempt to stderr
    this.redis.on('error', () => {})
  }

  private k(key: string): string {
    return this.prefix + key
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.k(key))
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)))
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.k(key))
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK'
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    return (await this.redis.eval(DEL_IF_EQUALS, 1, this.k(key), value)) === 1
  }

  async take(key: string): Promise<string | null> {
    return (await this.redis.eval(TAKE, 1, this.k(key))) as string | null
  }

  async admit(key: string, limit: number, windowMs: number, now: number = Date.now()): Promise<boolean> {
    const member = `${now}-${randomBytes(6).toString('hex')}`
    return (await this.redis.eval(ADMIT, 1, this.k(key), now, windowMs, limit, member)) === 1
  }

  async reserve(key: string, limit: number, member: string, expiresAt: number, now: number): Promise<boolean> {
    return (await this.redis.eval(RESERVE, 1, this.k(key), now, limit, expiresAt, member)) === 1
  }

  async shorten(key: string, member: string, expiresAt: number): Promise<void> {
    await this.redis.zadd(this.k(key), 'XX', 'LT', expiresAt, member)
  }

  async addCounts(increments: readonly CountIncrement[], ttlMs: number): Promise<number[]> {
    const ttl = Math.max(1, Math.ceil(ttlMs))
    const pipeline = this.redis.pipeline()
    for (const { key, delta } of increments) pipeline.incrby(this.k(key), delta).pexpire(this.k(key), ttl)
    const replies = (await pipeline.exec()) ?? []
    return increments.map((_, i) => {
      const [err, value] = replies[2 * i] ?? [new Error('no reply to INCRBY')]
      if (err) throw err
      return Number(value)
    })
  }

  async close(): Promise<void> {
    await this.redis.quit()
  }
}
