import type { FastifyBaseLogger } from 'fastify'

/** A background job, built by the composition root (`compose.ts`), started when the app is ready and stopped on close. */
export interface Job {
  readonly name: string
  start(): void
  stop(): void | Promise<void>
  /** One round now, outside the schedule (tests run a job's round on several instances at once). */
  runOnce(): Promise<number | void>
}

export interface PeriodicJobOptions {
  name: string
  /** Delay before the first run after start. */
  firstAfterMs: number
  /** Delay between the end of one run and the start of the next (runs never overlap). */
  everyMs: number
  /** One round; what it returns is logged when truthy. */
  run: () => Promise<number | void>
  log: FastifyBaseLogger
  /** Log line for a round that did something. */
  doneMessage: string
}

/** Runs `run` after `firstAfterMs`, then every `everyMs` after the previous round ended; a failing round is logged, not fatal. */
export function periodicJob(o: PeriodicJobOptions): Job {
  let timer: NodeJS.Timeout | undefined
  let stopped = true
  const schedule = (delayMs: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      o.run()
        .then((n) => n && o.log.info({ job: o.name, count: n }, o.doneMessage))
        .catch((err: unknown) => o.log.warn({ job: o.name, err: String(err) }, 'background job failed'))
        .finally(() => schedule(o.everyMs))
    }, delayMs)
    timer.unref()
  }
  return {
    name: o.name,
    start() {
      if (!stopped) return
      stopped = false
      schedule(o.firstAfterMs)
    },
    stop() {
      stopped = true
      clearTimeout(timer)
    },
    runOnce: () => o.run(),
  }
}
