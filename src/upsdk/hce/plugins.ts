import { toHex, hexToBytes, type BytesLike } from '../bluetooth/hex'
import { callUpsdk, resolveUpsdk, toUpsdkError } from '../call'
import { UpsdkError } from '../errors'
import type { UpsdkGlobal } from '../types'
import { validateAidList } from './aid'
import {
  HCE_MESSAGE_MESSAGES,
  HCE_STATES,
  START_HCE_MESSAGES,
  STOP_HCE_MESSAGES,
  hceStateInfo,
  type HceStateInfo,
} from './codes'

export interface HceCallOptions {
  /** The upsdk object. @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** @default 15000 */
  timeoutMs?: number
}

/** What arrives through onHCEMessage. */
export type HceMessage =
  | { type: 'command'; /** Upper-case hex of the command APDU. */ apdu: string; bytes: Uint8Array }
  | { type: 'deactivated'; reason?: string }

const resolve = resolveUpsdk

function obj(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string' && v.trim().startsWith('{')) {
    try {
      v = JSON.parse(v) as unknown
    } catch {
      return undefined
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

function codeOf(answer: unknown): string | undefined {
  const c = obj(answer)?.code
  return typeof c === 'string' || typeof c === 'number' ? String(c).padStart(4, '0') : undefined
}

/** The answers carry `{code, msg}` in the success callback; anything but 0000 is turned into an `UpsdkError`. */
function expectOk(method: string, answer: unknown, table: Readonly<Record<string, string>>): void {
  const code = codeOf(answer)
  if (code === undefined || code === '0000') return
  const msg = table[code] ?? (typeof obj(answer)?.msg === 'string' ? String(obj(answer)?.msg) : `${method} 失败`)
  throw new UpsdkError(code, msg, 'native', answer, method)
}

/** A failure from the fail callback, with the spec's message when the code is one of the table's. */
function explain(err: unknown, table: Readonly<Record<string, string>>): unknown {
  if (err instanceof UpsdkError && table[err.code] && err.message.endsWith('调用失败')) {
    return new UpsdkError(err.code, table[err.code] as string, err.source, err.raw, err.method)
  }
  return err
}

/** 6.24.1: the device's HCE state, as a named code with a Chinese explanation and the fix. */
export async function getHCEState(o: HceCallOptions = {}): Promise<HceStateInfo> {
  let answer: unknown
  try {
    answer = await callUpsdk('getHCEState', {}, { upsdk: resolve(o.upsdk), timeoutMs: o.timeoutMs })
  } catch (err) {
    // some builds report the non-0000 states through fail
    if (err instanceof UpsdkError && hceStateInfo(err.code)) return hceStateInfo(err.code) as HceStateInfo
    throw err
  }
  const code = codeOf(answer) ?? '0000'
  const info = hceStateInfo(code)
  if (!info)
    throw new UpsdkError('bad_answer', `getHCEState 返回了未知的状态码 ${code}`, 'native', answer, 'getHCEState')
  return info
}

/** 6.24.2: registers the AIDs (validated first; see `validateAidList`). */
export async function startHCE(p: { aidList: string | readonly string[] }, o: HceCallOptions = {}): Promise<void> {
  const aidList = validateAidList(p.aidList)
  try {
    expectOk(
      'startHCE',
      await callUpsdk('startHCE', { aidList }, { upsdk: resolve(o.upsdk), timeoutMs: o.timeoutMs }),
      START_HCE_MESSAGES,
    )
  } catch (err) {
    throw explain(err, START_HCE_MESSAGES)
  } finally {
    hubOf(o.upsdk, true)?.reset()
  }
  hubOf(o.upsdk, true)?.started()
}

/** 6.24.3. The heading's `stoptHCE` is a typo that no real upsdk.js build has (UPSDK.md "Names"). */
export async function stopHCE(o: HceCallOptions = {}): Promise<void> {
  const u = resolve(o.upsdk)
  const method = 'stopHCE'
  hubOf(o.upsdk, true)?.reset()
  try {
    expectOk('stopHCE', await callUpsdk(method, {}, { upsdk: u, timeoutMs: o.timeoutMs }), STOP_HCE_MESSAGES)
  } catch (err) {
    throw explain(err, STOP_HCE_MESSAGES)
  }
}

/**
 * 6.24.5: answers the reader. `data` is bytes or hex; it is sent as upper-case hex (the seed's
 * "01组成的2进制数据" read as binary data carried as hex text, like every other value of the kit).
 * Resolves with the `data` of the answer, if any.
 */
export async function sendHCEMessage(p: { data: BytesLike }, o: HceCallOptions = {}): Promise<{ data?: string }> {
  const data = toHex(p.data, 'data', 'sendHCEMessage')
  if (data === '')
    throw new UpsdkError('invalid_params', 'sendHCEMessage 缺少必填参数 data', 'validation', p, 'sendHCEMessage')
  const answer = await callUpsdk('sendHCEMessage', { data }, { upsdk: resolve(o.upsdk), timeoutMs: o.timeoutMs })
  expectOk('sendHCEMessage', answer, HCE_MESSAGE_MESSAGES)
  const d = obj(answer)?.data
  return typeof d === 'string' && d !== '' ? { data: toHex(d) } : {}
}

/** 6.24.6 */
export async function openNFCSetting(o: HceCallOptions = {}): Promise<void> {
  await callUpsdk('openNFCSetting', {}, { upsdk: resolve(o.upsdk), timeoutMs: o.timeoutMs })
}

export function parseHceMessage(answer: unknown): HceMessage {
  const o = obj(answer)
  const data = typeof answer === 'string' ? answer : o?.data
  const type = o?.messageType === undefined ? undefined : String(o.messageType)
  if (type === '2') return { type: 'deactivated', reason: o?.reason === undefined ? undefined : String(o.reason) }
  if (typeof data !== 'string' || data === '')
    throw new UpsdkError('bad_answer', 'onHCEMessage 的消息缺少 data', 'native', answer, 'onHCEMessage')
  let apdu: string
  try {
    apdu = toHex(data)
  } catch {
    throw new UpsdkError('bad_answer', `onHCEMessage 的 data 不是十六进制：${data}`, 'native', answer, 'onHCEMessage')
  }
  return { type: 'command', apdu, bytes: hexToBytes(apdu) }
}

interface HceSubscriber {
  handler: (m: HceMessage) => void
  onError?: (e: UpsdkError) => void
}

/**
 * onHCEMessage has one native slot, no cancel, and only works after startHCE: the hub registers
 * it once per started session while anyone listens, and fans messages out to every subscriber.
 */
class HceHub {
  readonly subs = new Set<HceSubscriber>()
  private running = false
  private registered = false
  private session = 0

  constructor(private readonly upsdk: UpsdkGlobal) {}

  started(): void {
    this.running = true
    this.ensure()
  }

  reset(): void {
    this.running = false
    this.registered = false
    this.session++
  }

  get isRegistered(): boolean {
    return this.registered
  }

  ensure(): void {
    if (!this.running || this.registered || this.subs.size === 0) return
    const fn = this.upsdk.onHCEMessage
    if (typeof fn !== 'function') {
      this.fail(new UpsdkError('not_available', 'upsdk.onHCEMessage 不可用', 'environment', undefined, 'onHCEMessage'))
      return
    }
    this.registered = true
    const session = this.session
    const live = () => session === this.session
    try {
      ;(fn as (p: Record<string, unknown>) => void).call(this.upsdk, {
        success: (answer: unknown) => {
          if (!live()) return
          const code = codeOf(answer)
          if (code && code !== '0000') {
            this.fail(
              new UpsdkError(
                code,
                HCE_MESSAGE_MESSAGES[code as '1301'] ?? `onHCEMessage 失败（${code}）`,
                'native',
                answer,
                'onHCEMessage',
              ),
            )
            return
          }
          let msg: HceMessage
          try {
            msg = parseHceMessage(answer)
          } catch (e) {
            this.fail(e as UpsdkError)
            return
          }
          for (const s of [...this.subs]) s.handler(msg)
        },
        fail: (err: unknown) => {
          if (!live()) return
          this.registered = false
          this.fail(explain(toUpsdkError('onHCEMessage', err), HCE_MESSAGE_MESSAGES) as UpsdkError)
        },
      })
    } catch (err) {
      this.registered = false
      this.fail(toUpsdkError('onHCEMessage', err instanceof Error ? err.message : err))
    }
  }

  private fail(e: UpsdkError): void {
    for (const s of [...this.subs]) s.onError?.(e)
  }
}

const hubs = new WeakMap<object, HceHub>()

function hubOf(u?: UpsdkGlobal, create = false): HceHub | undefined {
  const upsdk = resolve(u)
  if (!upsdk) return undefined
  let hub = hubs.get(upsdk)
  if (!hub && create) hubs.set(upsdk, (hub = new HceHub(upsdk)))
  return hub
}

export interface HceListenOptions extends HceCallOptions {
  /** Errors of the message stream (1301, malformed messages). */
  onError?: (e: UpsdkError) => void
}

/**
 * 6.24.4: the incoming APDU stream. Subscribing before startHCE is fine: the native listener is
 * registered as soon as HCE has started (and again after each restart). Returns the unsubscribe.
 */
export function onHCEMessage(handler: (m: HceMessage) => void, o: HceListenOptions = {}): () => void {
  const hub = hubOf(o.upsdk, true)
  if (!hub)
    throw new UpsdkError('not_available', 'upsdk 未加载，无法监听 NFC 消息', 'environment', undefined, 'onHCEMessage')
  const sub: HceSubscriber = { handler, onError: o.onError }
  hub.subs.add(sub)
  hub.ensure()
  return () => void hub.subs.delete(sub)
}

/** For tests: subscribers and whether the native onHCEMessage is registered for the current session. */
export function hceListenerState(upsdk?: UpsdkGlobal): { subscribers: number; registered: boolean } {
  const hub = hubOf(upsdk)
  return { subscribers: hub?.subs.size ?? 0, registered: hub?.isRegistered ?? false }
}

export { HCE_STATES }
