import {
  computed,
  shallowReadonly,
  shallowRef,
  toValue,
  type ComputedRef,
  type MaybeRefOrGetter,
  type ShallowRef,
} from 'vue'
import { toHex, type BytesLike } from '@/upsdk/bluetooth/hex'
import { resolveUpsdk } from '@/upsdk/call'
import { asUpsdkError, type UpsdkError } from '@/upsdk/errors'
import {
  getHCEState,
  onHCEMessage,
  openNFCSetting,
  sendHCEMessage,
  startHCE,
  stopHCE,
  validateAidList,
  type HceMessage,
  type HceStateInfo,
} from '@/upsdk/hce'
import type { UpsdkGlobal } from '@/upsdk/types'
import { errorText } from '@/utils/errorText'
import { createHoldCounter } from './shared/holds'
import { appendRing } from './shared/ringLog'
import { tryOnScopeDispose } from './shared/scope'

export interface HceCommand {
  apdu: string
  bytes: Uint8Array
}

export interface HceLogEntry {
  /** command: reader → page; response: page → reader; event: field left, errors. */
  dir: 'command' | 'response' | 'event'
  hex: string
  note?: string
  at: number
}

export interface UseHceOptions {
  /** The upsdk object. @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** AIDs to register on `start()`. @default [] */
  aids?: MaybeRefOrGetter<string | readonly string[]>
  /** Answers each command APDU. Without it, call `respond()` yourself. @default undefined */
  responder?: (cmd: HceCommand) => BytesLike | Promise<BytesLike>
  /** Check getHCEState at once. @default true */
  immediate?: boolean
  /** Check again whenever the page becomes visible (back from the system NFC settings). @default true */
  refreshOnVisible?: boolean
  /** How many entries `log` keeps. @default 100 */
  logLimit?: number
  /** @default 15000 */
  timeoutMs?: number
  /** Where visibility changes are watched. @default document */
  document?: Document
  /** Clock for the log's timestamps. @default Date.now */
  now?: () => number
}

export interface UseHceReturn {
  isSupported: ComputedRef<boolean>
  /** The last getHCEState answer, with explanation and fix. */
  state: Readonly<ShallowRef<HceStateInfo | null>>
  checking: Readonly<ShallowRef<boolean>>
  /** Card emulation is on (startHCE succeeded and stopHCE has not run). */
  running: Readonly<ShallowRef<boolean>>
  log: Readonly<ShallowRef<readonly HceLogEntry[]>>
  error: Readonly<ShallowRef<UpsdkError | null>>
  refresh(): Promise<HceStateInfo | null>
  start(aids?: string | readonly string[]): Promise<boolean>
  stop(): Promise<void>
  /** Answers the pending command. */
  respond(data: BytesLike): Promise<void>
  openSettings(): Promise<void>
  clearLog(): void
  /** What scope end does: stopHCE if this instance started it, drop the message listener. */
  dispose(): Promise<void>
}

/** The useHce instances emulating a card, per upsdk object: the native side has one HCE session. */
const holds = createHoldCounter()

/** HCE card emulation for a component; stopHCE runs when its scope ends (unless another instance still emulates). */
export function useHce(options: UseHceOptions = {}): UseHceReturn {
  const { immediate = true, refreshOnVisible = true, logLimit = 100, timeoutMs, responder, now = Date.now } = options
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document)
  const upsdk = () => resolveUpsdk(options.upsdk)
  const call = () => ({ upsdk: upsdk(), timeoutMs })

  // window.upsdk is not reactive and usually appears after setup (loaded by the client): look again on each refresh()
  const probe = shallowRef(0)
  const isSupported = computed(() => {
    void probe.value
    return typeof upsdk()?.getHCEState === 'function'
  })
  const state = shallowRef<HceStateInfo | null>(null)
  const checking = shallowRef(false)
  const running = shallowRef(false)
  const log = shallowRef<readonly HceLogEntry[]>([])
  const error = shallowRef<UpsdkError | null>(null)
  let unsubscribe: (() => void) | null = null
  let disposed = false
  const me = Symbol('useHce')
  /** Gives up this instance's hold; true when it was the last one, so the native side may stop. */
  const release = (): boolean => holds.release(upsdk(), me)
  const asError = (e: unknown) => asUpsdkError(e)

  function push(entry: Omit<HceLogEntry, 'at'>) {
    log.value = appendRing(log.value, { ...entry, at: now() }, logLimit)
  }

  async function refresh(): Promise<HceStateInfo | null> {
    probe.value++
    checking.value = true
    try {
      state.value = await getHCEState(call())
      if (error.value?.method === 'getHCEState') error.value = null
      return state.value
    } catch (e) {
      error.value = asError(e)
      return null
    } finally {
      checking.value = false
    }
  }

  async function respond(data: BytesLike) {
    let hex: string
    try {
      hex = toHex(data, '应答数据', 'sendHCEMessage')
      await sendHCEMessage({ data: hex }, call())
    } catch (e) {
      error.value = asError(e)
      push({ dir: 'event', hex: '', note: `应答失败：${error.value.message}` })
      throw error.value
    }
    push({ dir: 'response', hex })
  }

  async function onMessage(m: HceMessage) {
    if (m.type === 'deactivated') {
      push({ dir: 'event', hex: '', note: '读卡器已离开' })
      return
    }
    push({ dir: 'command', hex: m.apdu })
    if (!responder) return
    let answer: BytesLike
    try {
      answer = await responder({ apdu: m.apdu, bytes: m.bytes })
    } catch (e) {
      answer = '6F00'
      push({ dir: 'event', hex: '', note: `处理指令出错：${errorText(e)}` })
    }
    await respond(answer).catch(() => undefined)
  }

  function listen() {
    if (unsubscribe || disposed) return
    unsubscribe = onHCEMessage((m) => void onMessage(m), {
      upsdk: upsdk(),
      onError: (e) => {
        error.value = e
        push({ dir: 'event', hex: '', note: e.message })
      },
    })
  }

  async function start(aids?: string | readonly string[]): Promise<boolean> {
    error.value = null
    try {
      const list = validateAidList(aids ?? toValue(options.aids) ?? [])
      listen()
      await startHCE({ aidList: list }, call())
      if (disposed) {
        await stopHCE(call()).catch(() => undefined)
        return false
      }
      running.value = true
      holds.hold(upsdk(), me)
      push({ dir: 'event', hex: '', note: `卡模拟已开启（AID ${list}）` })
      return true
    } catch (e) {
      error.value = asError(e)
      return false
    }
  }

  let stopping = false
  async function stop() {
    if (!running.value || stopping) return
    stopping = true
    const last = release()
    try {
      if (last) await stopHCE(call())
      // "stopped" is shown only once the native side has really stopped emulating the card
      running.value = false
      push({ dir: 'event', hex: '', note: last ? '卡模拟已停止' : '本页已停止使用卡模拟（其他页面仍在使用）' })
    } catch (e) {
      holds.hold(upsdk(), me)
      error.value = asError(e)
    } finally {
      stopping = false
    }
  }

  async function openSettings() {
    try {
      await openNFCSetting(call())
    } catch (e) {
      error.value = asError(e)
    }
  }

  const onVisible = () => {
    if (doc?.visibilityState === 'visible') void refresh()
  }

  async function dispose() {
    if (disposed) return
    disposed = true
    doc?.removeEventListener('visibilitychange', onVisible)
    unsubscribe?.()
    unsubscribe = null
    if (running.value) {
      running.value = false
      if (release()) await stopHCE(call()).catch(() => undefined)
    }
  }

  if (immediate) void refresh()
  if (refreshOnVisible) doc?.addEventListener('visibilitychange', onVisible)
  tryOnScopeDispose(() => void dispose())

  return {
    isSupported,
    state: shallowReadonly(state),
    checking: shallowReadonly(checking),
    running: shallowReadonly(running),
    log: shallowReadonly(log),
    error: shallowReadonly(error),
    refresh,
    start,
    stop,
    respond,
    openSettings,
    clearLog: () => void (log.value = []),
    dispose,
  }
}
