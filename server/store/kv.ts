/**
 * Shared short-lived state: platform tokens, locks and rate windows. In-process by default,
 * Redis when REDIS_URL is set so several server instances share one view.
 */
export interface KvStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlMs: number): Promise<void>
  del(key: string): Promise<void>
  /** Sets the key only if absent; true when this call set it (lock acquire). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>
  /** Deletes the key only if it still holds `value` (lock release by its owner). */
  delIfEquals(key: string, value: string): Promise<boolean>
  /** Removes and returns the value in one step (single-use items such as OAuth state). */
  take(key: string): Promise<string | null>
  /**
   * Sliding-window admission: records one event and returns true when fewer than `limit`
   * events were admitted in the last `windowMs`; otherwise records nothing and returns false.
   */
  admit(key: string, limit: number, windowMs: number, now?: number): Promise<boolean>
  /**
   * Admission against entries that each count until their own expiry: forgets entries whose
   * expiry is at or before `now`, then adds `member` (counting until `expiresAt`) when fewer
   * than `limit` remain. True when added.
   */
  reserve(key: string, limit: number, member: string, expiresAt: number, now: number): Promise<boolean>
  /** Brings an entry's expiry forward to `expiresAt` (never later); nothing when it is gone. */
  shorten(key: string, member: string, expiresAt: number): Promise<void>
  /**
   * Adds each delta to its counter (absent: 0) and keeps the counter `ttlMs` from now, all in one
   * round trip (Redis: one pipeline of INCRBY + PEXPIRE); the counters' new values, in order.
   */
  addCounts(increments: readonly CountIncrement[], ttlMs: number): Promise<number[]>
  close(): Promise<void>
}

export interface CountIncrement {
  key: string
  delta: number
}
