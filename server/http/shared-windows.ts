import type { KvStore } from '../store/kv.ts'

export interface SharedWindowsOptions {
  /** Requests admitted per window per address, across all instances. */
  max: number
  /** @default 60_000 */
  windowMs?: number
  /** Addresses tracked at once; the least recently seen is forgotten first. @default 10_000 */
  maxAddresses?: number
  clock?: () => number
  /** The store every instance shares (Redis). */
  kv: KvStore
  /** The store keys' prefix: one per kind of count. @default 'ratelimit' */
  name?: string
  /** How often this instance ships its counts and reads the totals back; 0: only on `flush()`. @default 200 */
  syncMs?: number
  /** A sync unanswered this long (or failed) means the store is degraded. @default 1_000 */
  stallMs?: number
  log: { warn(obj: object, msg: string): void }
}

/** One address's count in one window, as this instance knows it. */
interface AddressCount {
  address: string
  window: number
  /** The shared total at this instance's last sync (every instance's admissions shipped by then). */
  synced: number
  /** Admitted here and on the way to the store. */
  shipping: number
  /** Admitted here since the last batch left. */
  pending: number
  /** In `dirty`, to be shipped. */
  queued: boolean
}

/**
 * Per-address fixed windows shared by the instances through the KvStore. Windows are aligned on
 * the clock (`floor(now / windowMs)`), so every instance means the same window. The decision is
 * synchronous and local: the address's shared total at the last sync plus what this instance
 * admitted since. Every `syncMs` the instance ships its new admissions per address in one round
 * trip (`KvStore.addCounts`, a counter per address and window) and keeps the totals it gets back.
 * Between syncs each instance sees only its own admissions, so the admitted total of an address
 * in a window is at most `max` plus what the instances admitted it during one sync (and its round
 * trip) — see docs/security.md. When the store fails or does not answer, counting goes on here
 * alone (warned once; once more when it answers again): never more than `max` per instance.
 */
export class SharedWindows {
  private readonly max: number
  private readonly windowMs: number
  private readonly maxAddresses: number
  private readonly clock: () => number
  private readonly kv: KvStore
  private readonly name: string
  private readonly stallMs: number
  private readonly log: SharedWindowsOptions['log']
  /** Most recently seen last (a Map iterates in insertion order). */
  private readonly counts = new Map<string, AddressCount>()
  /** Admissions not shipped yet (at most `maxAddresses`); outlives the address's eviction from `counts`. */
  private readonly dirty = new Map<string, AddressCount>()
  private syncing: { since: number; done: Promise<void> } | undefined
  private degraded = false
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(options: SharedWindowsOptions) {
    this.max = options.max
    this.windowMs = options.windowMs ?? 60_000
    this.maxAddresses = options.maxAddresses ?? 10_000
    this.clock = options.clock ?? Date.now
    this.kv = options.kv
    this.name = options.name ?? 'ratelimit'
    this.stallMs = options.stallMs ?? 1_000
    this.log = options.log
    const syncMs = options.syncMs ?? 200
    if (syncMs > 0) {
      this.timer = setInterval(() => void this.flush(), syncMs)
      this.timer.unref()
    }
  }

  /** Counts one request of `address` (only an admitted one is recorded): its count with this one, and when its window ends. */
  hit(address: string): { count: number; resetAt: number } {
    const window = Math.floor(this.clock() / this.windowMs)
    let c = this.counts.get(address)
    if (c === undefined || c.window !== window) {
      // forgotten past maxAddresses but not shipped yet: take it back
      const queued = this.dirty.get(address)
      c = queued?.window === window ? queued : { address, window, synced: 0, shipping: 0, pending: 0, queued: false }
    } else {
      this.counts.delete(address) // re-inserted below: now the most recently seen
    }
    this.counts.set(address, c)
    if (this.counts.size > this.maxAddresses) {
      const oldest = this.counts.keys().next()
      if (!oldest.done) this.counts.delete(oldest.value)
    }
    const count = c.synced + c.shipping + c.pending + 1
    if (count <= this.max) {
      c.pending++
      if (!c.queued) this.queue(c)
    }
    return { count, resetAt: (window + 1) * this.windowMs }
  }

  /** What `hit` would count before this request, without counting it: the address's count in the current window. */
  peek(address: string): { count: number; resetAt: number } {
    const window = Math.floor(this.clock() / this.windowMs)
    const c = this.counts.get(address) ?? this.dirty.get(address)
    const count = c?.window === window ? c.synced + c.shipping + c.pending : 0
    return { count, resetAt: (window + 1) * this.windowMs }
  }

  /**
   * Ships the admissions counted since the last batch and folds the shared totals in. One batch at
   * a time: while one is unanswered this returns it (and, past `stallMs`, reports the store
   * degraded). Never rejects.
   */
  flush(): Promise<void> {
    if (this.syncing) {
      if (this.clock() - this.syncing.since >= this.stallMs) this.degrade(new Error(`no answer in ${this.stallMs} ms`))
      return this.syncing.done
    }
    const current = Math.floor(this.clock() / this.windowMs)
    const batch: AddressCount[] = []
    for (const c of this.dirty.values()) {
      // the window before is still worth shipping (an instance whose clock is behind is still in it)
      c.queued = false
      if (c.window < current - 1) continue
      c.shipping = c.pending
      c.pending = 0
      batch.push(c)
    }
    this.dirty.clear()
    if (batch.length === 0) return Promise.resolve()
    const increments = batch.map((c) => ({ key: this.key(c), delta: c.shipping }))
    const done = this.kv.addCounts(increments, 2 * this.windowMs).then(
      (totals) => {
        batch.forEach((c, i) => {
          c.synced = Math.max(totals[i] ?? 0, c.synced + c.shipping)
          c.shipping = 0
        })
        this.recover()
      },
      (err: unknown) => {
        // shipped again with the next batch (counted twice if the store applied it and the answer was lost)
        for (const c of batch) {
          c.pending += c.shipping
          c.shipping = 0
          if (!c.queued) this.queue(c)
        }
        this.degrade(err)
      },
    )
    this.syncing = { since: this.clock(), done: done.finally(() => (this.syncing = undefined)) }
    return this.syncing.done
  }

  /** Stops syncing (a batch under way is not waited for: a store that never answers must not hold up a shutdown). */
  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
  }

  /** Bounded like `counts`: past `maxAddresses` new addresses' admissions stay in this instance. */
  private queue(c: AddressCount): void {
    const current = this.dirty.get(c.address)
    if (current === undefined ? this.dirty.size >= this.maxAddresses : current.window > c.window) return
    if (current?.window === c.window && current !== c) {
      // the address was forgotten and seen again while c was on its way: one count
      current.pending += c.pending
      c.pending = 0
      return
    }
    c.queued = true
    this.dirty.set(c.address, c) // a newer window replaces an older one
  }

  private key(c: AddressCount): string {
    return `${this.name}:${this.windowMs}:${c.window}:${c.address}`
  }

  private degrade(err: unknown): void {
    if (this.degraded || this.stopped) return
    this.degraded = true
    this.log.warn(
      { err },
      'rate limit: the shared store (Redis) failed or does not answer; counting in this instance alone until it does',
    )
  }

  private recover(): void {
    if (!this.degraded || this.stopped) return
    this.degraded = false
    this.log.warn({}, 'rate limit: the shared store (Redis) answers again; counting across instances')
  }
}
