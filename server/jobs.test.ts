import type { FastifyBaseLogger } from 'fastify'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { periodicJob } from './jobs.ts'

const log = () =>
  ({ info: vi.fn(), warn: vi.fn() }) as unknown as FastifyBaseLogger & {
    info: ReturnType<typeof vi.fn>
    warn: ReturnType<typeof vi.fn>
  }

describe('periodicJob', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('runs first after firstAfterMs, then everyMs after each round ends; stop ends it', async () => {
    const run = vi.fn(async () => 2)
    const l = log()
    const job = periodicJob({ name: 'j', firstAfterMs: 10, everyMs: 100, run, log: l, doneMessage: 'did' })
    job.start()
    job.start() // a second start does not double the schedule
    await vi.advanceTimersByTimeAsync(9)
    expect(run).toHaveBeenCalledTimes(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(run).toHaveBeenCalledTimes(1)
    expect(l.info).toHaveBeenCalledWith({ job: 'j', count: 2 }, 'did')
    await vi.advanceTimersByTimeAsync(100)
    expect(run).toHaveBeenCalledTimes(2)
    job.stop()
    await vi.advanceTimersByTimeAsync(1000)
    expect(run).toHaveBeenCalledTimes(2)
  })

  it('logs a failing round and keeps going', async () => {
    const run = vi.fn(async () => {
      throw new Error('platform down')
    })
    const l = log()
    const job = periodicJob({ name: 'sweep', firstAfterMs: 1, everyMs: 5, run, log: l, doneMessage: 'x' })
    job.start()
    await vi.advanceTimersByTimeAsync(1)
    expect(l.warn).toHaveBeenCalledWith({ job: 'sweep', err: 'Error: platform down' }, 'background job failed')
    await vi.advanceTimersByTimeAsync(5)
    expect(run).toHaveBeenCalledTimes(2)
    job.stop()
  })
})
