import type { UpsdkConfigOptions, UpsdkGlobal } from './types'

/**
 * What the kit needs from upsdk.js's config/ready/error (UPSDK.md "config, ready, error"):
 * `ready(cb)` runs `cb` synchronously when ANY earlier config succeeded — even while a newer one
 * waits for its native answer — and otherwise queues it forever; `error(cb)` has one slot and
 * runs `cb` synchronously, unstored, when the last config failed. So the kit registers ONE
 * permanent `ready` and ONE permanent `error` listener per upsdk object before its first
 * config, ignores calls that arrive synchronously inside `ready()`/`error()` (stale answers),
 * sends one config at a time, and settles only the attempt in flight with what arrives later.
 */
export interface ConfigListeners {
  /**
   * Calls `upsdk.config(params)` once the previous config has its answer, and settles with
   * this config's native answer: resolves on `ready`, rejects with the raw `error` value.
   * `skip()` is asked when its turn comes (an attempt overtaken by a newer URL is not sent).
   */
  configure(
    params: UpsdkConfigOptions,
    opts: { timeoutMs: number; onTimeout: () => unknown; skip?: () => boolean },
  ): Promise<void>
}

interface InFlight {
  resolve(): void
  reject(raw: unknown): void
}

const perUpsdk = new WeakMap<object, ConfigListeners>()

/** The listeners of one upsdk object (created, not yet registered, on first use). */
export function configListeners(upsdk: UpsdkGlobal): ConfigListeners {
  let found = perUpsdk.get(upsdk)
  if (!found) perUpsdk.set(upsdk, (found = create(upsdk)))
  return found
}

function create(upsdk: UpsdkGlobal): ConfigListeners {
  let inFlight: InFlight | undefined
  let readyQueued = false
  let errorStored = false
  let tail: Promise<void> = Promise.resolve()

  const take = () => {
    const a = inFlight
    inFlight = undefined
    return a
  }

  /**
   * Registers whichever listener upsdk has not kept. Normally both are kept at the first call;
   * when another config already succeeded (or failed), upsdk runs the callback at once instead
   * of keeping it, so it is offered again before the next config.
   */
  function ensureListeners() {
    if (!readyQueued) {
      let registering = true
      let ranNow = false
      upsdk.ready(() => {
        if (registering) ranNow = true
        else take()?.resolve()
      })
      registering = false
      readyQueued = !ranNow
    }
    if (!errorStored) {
      let registering = true
      let ranNow = false
      upsdk.error((raw) => {
        if (registering) ranNow = true
        else take()?.reject(raw)
      })
      registering = false
      errorStored = !ranNow
    }
  }

  function send(
    params: UpsdkConfigOptions,
    opts: { timeoutMs: number; onTimeout: () => unknown; skip?: () => boolean },
  ): Promise<void> {
    if (opts.skip?.()) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (inFlight !== attempt) return
        inFlight = undefined
        reject(opts.onTimeout())
      }, opts.timeoutMs)
      const attempt: InFlight = {
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (raw) => {
          clearTimeout(timer)
          reject(raw)
        },
      }
      try {
        ensureListeners()
        inFlight = attempt
        // a JS-side check failure arrives synchronously through the error listener: it belongs to this attempt
        upsdk.config(params)
      } catch (err) {
        if (inFlight === attempt) inFlight = undefined
        attempt.reject(err instanceof Error ? err.message : err)
      }
    })
  }

  return {
    configure(params, opts) {
      const run = () => send(params, opts)
      const result = tail.then(run, run)
      tail = result.then(
        () => undefined,
        () => undefined,
      )
      return result
    },
  }
}
