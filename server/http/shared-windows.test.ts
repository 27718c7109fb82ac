import { describe, expect, it } from 'vitest'
import type { CountIncrement, KvStore } from '../store/kv.ts'
import { MemoryKv } from '../store/memory-kv.ts'
import { SharedWindows } from './shared-windows.ts'

const WINDOW = 60_000
/** The start of some window (windows are aligned on multiples of WINDOW). */
const T0 = 29_000_000 * WINDOW

function instances(n: number, max: number, kv: KvStore, clock: () => number, log = logLines()) {
  return Array.from(
    { length: n },
    () => new SharedWindows({ max, windowMs: WINDOW, clock, kv, syncMs: 0, log: log.logger }),
  )
}

function logLines() {
  const lines: string[] = []
  return { lines, logger: { warn: (_obj: object, msg: string) => void lines.push(msg) } }
}

const admitted = (w: SharedWindows, address: string, max: number) => w.hit(address).count <= max

/** A store whose `addCounts` answers only when the test says so (or fails when told to). */
function heldKv(inner: KvStore) {
  const held: { settle: () => void; reject: (err: Error) => void }[] = []
  let failing = false
  const kv: KvStore = {
    ...inner,
    addCounts: (increments: readonly CountIncrement[], ttlMs: number) =>
      failing
        ? Promise.reject(new Error('ECONNREFUSED'))
        : new Promise<number[]>((resolve, reject) => {
            held.push({ settle: () => inner.addCounts(increments, ttlMs).then(resolve, reject), reject })
          }),
  }
  return {
    kv,
    fail: (on: boolean) => (failing = on),
    answerAll: () => held.splice(0).forEach((h) => h.settle()),
    failAll: () => held.splice(0).forEach((h) => h.reject(new Error('connection lost'))),
  }
}

describe('SharedWindows', () => {
  it('windows are aligned on the clock, so every instance means the same one', () => {
    let now = T0 + 15_000
    const [a, b] = instances(2, 10, new MemoryKv(() => now), () => now)
    expect(a!.hit('x')).toEqual({ count: 1, resetAt: T0 + WINDOW })
    now += 30_000
    expect(b!.hit('x')).toEqual({ count: 1, resetAt: T0 + WINDOW })
    now = T0 + WINDOW
    expect(a!.hit('x')).toEqual({ count: 1, resetAt: T0 + 2 * WINDOW })
  })

  it('peek reads the count an instance knows without counting, and a name keeps kinds of counts apart', async () => {
    let now = T0
    const kv = new MemoryKv(() => now)
    const shared = { max: 5, windowMs: WINDOW, clock: () => now, kv, syncMs: 0, log: logLines().logger }
    const a = new SharedWindows({ ...shared, name: 'refused' })
    const b = new SharedWindows({ ...shared, name: 'refused' })
    const other = new SharedWindows(shared)
    expect(a.peek('x')).toEqual({ count: 0, resetAt: T0 + WINDOW })
    a.hit('x')
    a.hit('x')
    expect([a.peek('x').count, a.peek('x').count]).toEqual([2, 2])
    expect(b.peek('x').count).toBe(0) // not shipped yet
    await a.flush()
    b.hit('x')
    await b.flush()
    expect(b.peek('x').count).toBe(3)
    expect(other.hit('x').count).toBe(1) // the default name is another counter
    now = T0 + WINDOW
    expect(b.peek('x')).toEqual({ count: 0, resetAt: T0 + 2 * WINDOW })
  })

  it('after a sync each instance decides on the total of all of them', async () => {
    const now = T0
    const kv = new MemoryKv(() => now)
    const [a, b] = instances(2, 5, kv, () => now)
    for (let i = 0; i < 3; i++) a!.hit('x')
    b!.hit('x')
    await a!.flush() // the store: 3
    await b!.flush() // the store: 4, which b now knows
    expect(b!.hit('x').count).toBe(5)
    expect(admitted(b!, 'x', 5)).toBe(false)
    // a synced before b's request: it knows of its own 3 only, until its next sync
    expect(a!.hit('x').count).toBe(4)
    await a!.flush() // the store: 5 (b’s fifth is still unshipped), which a now knows
    expect(admitted(a!, 'x', 5)).toBe(false)
    await b!.flush()
    expect(await kv.addCounts([{ key: `ratelimit:${WINDOW}:${T0 / WINDOW}:x`, delta: 0 }], WINDOW)).toEqual([6])
  })

  it.each([
    [2, 1],
    [3, 5],
    [3, 20],
  ])(
    '%i instances, %i requests each between syncs: at most the limit plus one sync’s worth per instance; other addresses and the next window unaffected',
    async (n, perSync) => {
      const max = 100
      let now = T0 + 1_000
      const kv = new MemoryKv(() => now)
      const ws = instances(n, max, kv, () => now)
      let total = 0
      for (let round = 0; round < 100; round++) {
        for (const w of ws) for (let i = 0; i < perSync; i++) if (admitted(w, 'hammer', max)) total++
        for (const w of ws) await w.flush()
        now += 200
      }
      expect(total).toBeGreaterThanOrEqual(max)
      expect(total).toBeLessThanOrEqual(max + n * perSync)
      // each alone would have admitted the limit: n × max
      expect(total).toBeLessThan(n * max)
      for (const w of ws) expect(admitted(w, 'quiet', max)).toBe(true)
      now = T0 + WINDOW
      for (const w of ws) expect(admitted(w, 'hammer', max)).toBe(true)
    },
  )

  it('never syncing (store down from the start), each instance still holds the limit itself', () => {
    const now = T0
    const ws = instances(3, 10, new MemoryKv(() => now), () => now)
    const perInstance = ws.map((w) => Array.from({ length: 15 }, () => admitted(w, 'x', 10)).filter(Boolean).length)
    expect(perInstance).toEqual([10, 10, 10])
  })

  it('the store failing: requests are decided at once, warned once; the counts are shipped when it answers again, recovery warned once', async () => {
    let now = T0
    const inner = new MemoryKv(() => now)
    const store = heldKv(inner)
    const log = logLines()
    const [a] = instances(1, 10, store.kv, () => now, log)
    store.fail(true)
    for (let round = 0; round < 3; round++) {
      expect(admitted(a!, 'x', 10)).toBe(true)
      await a!.flush()
      now += 200
    }
    expect(log.lines).toEqual([expect.stringMatching(/^rate limit: the shared store \(Redis\) failed/)])
    // counted here meanwhile: 3 so far, 7 more admitted, then refused
    expect(Array.from({ length: 8 }, () => admitted(a!, 'x', 10))).toEqual([...Array(7).fill(true), false])
    store.fail(false)
    const sync = a!.flush()
    store.answerAll()
    await sync
    expect(log.lines).toHaveLength(2)
    expect(log.lines[1]).toMatch(/answers again/)
    expect(await inner.addCounts([{ key: `ratelimit:${WINDOW}:${T0 / WINDOW}:x`, delta: 0 }], WINDOW)).toEqual([10])
  })

  it('the store not answering: requests never wait; degraded after stallMs, recovered when the answer comes', async () => {
    let now = T0
    const inner = new MemoryKv(() => now)
    const store = heldKv(inner)
    const log = logLines()
    const [a] = instances(1, 10, store.kv, () => now, log)
    admitted(a!, 'x', 10)
    const first = a!.flush()
    now += 500
    expect(Array.from({ length: 3 }, () => admitted(a!, 'x', 10))).toEqual([true, true, true])
    void a!.flush() // still under way, not yet stalled
    expect(log.lines).toEqual([])
    now += 500
    void a!.flush()
    void a!.flush()
    expect(log.lines).toEqual([expect.stringMatching(/does not answer/)])
    store.answerAll()
    await first
    expect(log.lines[1]).toMatch(/answers again/)
    // the admissions made while the batch was out go with the next one
    const second = a!.flush()
    store.answerAll()
    await second
    expect(await inner.addCounts([{ key: `ratelimit:${WINDOW}:${T0 / WINDOW}:x`, delta: 0 }], WINDOW)).toEqual([4])
    expect(a!.hit('x').count).toBe(5)
  })

  it('past maxAddresses: an address forgotten before its admissions were shipped keeps them; new ones wait for room', async () => {
    const now = T0
    const kv = new MemoryKv(() => now)
    const log = logLines().logger
    const w = new SharedWindows({ max: 5, windowMs: WINDOW, clock: () => now, kv, syncMs: 0, maxAddresses: 2, log })
    const total = async (address: string) =>
      (await kv.addCounts([{ key: `ratelimit:${WINDOW}:${T0 / WINDOW}:${address}`, delta: 0 }], WINDOW))[0]
    w.hit('a')
    w.hit('a')
    w.hit('b')
    w.hit('c') // forgets "a"; no room to queue "c" for shipping (a and b wait)
    expect(w.hit('a').count).toBe(3) // taken back, not started again
    await w.flush()
    expect([await total('a'), await total('b'), await total('c')]).toEqual([3, 1, 0])
    w.hit('c') // room now: both of c's admissions go
    await w.flush()
    expect(await total('c')).toBe(2)
  })

  it('an address forgotten and seen again while its batch is out, the batch failing: its admissions are counted once each', async () => {
    const now = T0
    const inner = new MemoryKv(() => now)
    const store = heldKv(inner)
    const log = logLines().logger
    const w = new SharedWindows({
      max: 1,
      windowMs: WINDOW,
      clock: () => now,
      kv: store.kv,
      syncMs: 0,
      maxAddresses: 2,
      log,
    })
    const sync = async () => {
      const done = w.flush()
      store.answerAll()
      await done
    }
    w.hit('b')
    w.hit('c')
    await sync() // b and c have had their 1
    w.hit('a') // forgets "b"
    const out = w.flush() // a's 1 on its way
    expect(w.hit('c').count).toBe(2) // refused: nothing to ship
    w.hit('d') // forgets "a"
    expect(w.hit('a').count).toBe(1) // seen again: a fresh count, admitted, queued
    store.failAll()
    await out
    await sync()
    expect(await inner.addCounts([{ key: `ratelimit:${WINDOW}:${T0 / WINDOW}:a`, delta: 0 }], WINDOW)).toEqual([2])
  })
})
