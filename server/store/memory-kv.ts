import type { CountIncrement, KvStore } from './kv.ts'

interface Entry {
  value: string
  expiresAt: number
}

export class MemoryKv implements KvStore {
  private readonly entries = new Map<string, Entry>()
  private readonly windows = new Map<string, number[]>()
  private readonly reservations = new Map<string, Map<string, number>>()

  constructor(private readonly clock: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key)
    if (e && e.expiresAt <= this.clock()) {
      this.entries.delete(key)
      return undefined
    }
    return e
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock() + ttlMs })
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key)
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false
    this.entries.set(key, { value, expiresAt: this.clock() + ttlMs })
    return true
  }

  async delIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false
    this.entries.delete(key)
    return true
  }

  async take(key: string): Promise<string | null> {
    const e = this.live(key)
    this.entries.delete(key)
    return e?.value ?? null
  }

  async admit(key: string, limit: number, windowMs: number, now: number = this.clock()): Promise<boolean> {
    const events = (this.windows.get(key) ?? []).filter((t) => t > now - windowMs)
    const ok = events.length < limit
    if (ok) events.push(now)
    this.windows.set(key, events)
    return ok
  }

  async reserve(key: string, limit: number, member: string, expiresAt: number, now: number): Promise<boolean> {
    const set = this.reservations.get(key) ?? new Map<string, number>()
    for (const [m, until] of set) if (until <= now) set.delete(m)
    this.reservations.set(key, set)
    if (set.size >= limit) return false
    set.set(member, expiresAt)
    return true
  }

  async shorten(key: string, member: string, expiresAt: number): Promise<void> {
    const set = this.reservations.get(key)
    const until = set?.get(member)
    if (set && until !== undefined && expiresAt < until) set.set(member, expiresAt)
  }

  async addCounts(increments: readonly CountIncrement[], ttlMs: number): Promise<number[]> {
    return increments.map(({ key, delta }) => {
      const value = Number(this.live(key)?.value ?? 0) + delta
      this.entries.set(key, { value: String(value), expiresAt: this.clock() + ttlMs })
      return value
    })
  }

  async close(): Promise<void> {
    this.entries.clear()
    this.windows.clear()
    this.reservations.clear()
  }
}
