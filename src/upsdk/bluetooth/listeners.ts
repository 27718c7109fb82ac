import { callUpsdk } from '../call'
import { UpsdkError } from '../errors'
import { eventData } from '../events'
import type { UpsdkGlobal } from '../types'
import {
  normalizeAdapterStateChange,
  normalizeCharacteristicValue,
  normalizeConnectionState,
  normalizeDeviceList,
} from './normalize'
import { resolveUpsdk } from './plugins'
import type {
  BleCharacteristicValue,
  BleConnectionState,
  BluetoothAdapterStateChange,
  BluetoothDevice,
  Unsubscribe,
} from './types'

export interface BleListenOptions {
  /** The upsdk object. @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** Where the native side dispatches its events. @default document */
  target?: EventTarget
  /** Called when an event's detail cannot be understood (the event is dropped). */
  onError?: (err: UpsdkError) => void
  /** @default 15000 */
  timeoutMs?: number
}

interface ChannelSpec<T> {
  register: string
  cancel: string
  event: string
  parse(detail: unknown): T
}

export type BleListenerKind = 'deviceFound' | 'connectionState' | 'characteristicValue' | 'adapterState'

const SPECS = {
  deviceFound: {
    register: 'registerBluetoothDeviceFound',
    cancel: 'cancelBluetoothDeviceFound',
    event: 'BluetoothDeviceFound',
    parse: (d: unknown): BluetoothDevice[] => normalizeDeviceList(d, 'BluetoothDeviceFound'),
  },
  connectionState: {
    register: 'registerBLEConnectionStateChange',
    cancel: 'cancelBLEConnectionStateChange',
    event: 'BLEConnectionStateChange',
    parse: (d: unknown): BleConnectionState => normalizeConnectionState(d),
  },
  characteristicValue: {
    register: 'registerBLECharacteristicValueChange',
    cancel: 'cancelBLECharacteristicValueChange',
    event: 'BLECharacteristicValueChange',
    parse: (d: unknown): BleCharacteristicValue => normalizeCharacteristicValue(d, 'BLECharacteristicValueChange'),
  },
  adapterState: {
    register: 'registerBluetoothAdapterStateChange',
    cancel: 'cancelBluetoothAdapterStateChange',
    event: 'BluetoothAdapterStateChange',
    parse: (d: unknown): BluetoothAdapterStateChange => normalizeAdapterStateChange(d),
  },
} satisfies Record<BleListenerKind, ChannelSpec<unknown>>

interface Subscriber<T> {
  handler: (value: T) => void
  onError?: (err: UpsdkError) => void
}

/**
 * One native registration shared by any number of subscribers: registered when the first
 * subscriber arrives, cancelled when the last one leaves. Register/cancel calls are serialised,
 * so a quick subscribe-unsubscribe-subscribe never leaves the native side in the wrong state.
 */
class Channel<T> {
  private readonly subs = new Set<Subscriber<T>>()
  private registered = false
  private queue: Promise<void> = Promise.resolve()
  private listening = false
  private readonly listener = (e: Event) => {
    let value: T
    try {
      value = this.spec.parse(eventData(e))
    } catch (err) {
      const ue =
        err instanceof UpsdkError ? err : new UpsdkError('bad_answer', String(err), 'native', e, this.spec.event)
      for (const s of [...this.subs]) s.onError?.(ue)
      return
    }
    for (const s of [...this.subs]) s.handler(value)
  }

  constructor(
    private readonly spec: ChannelSpec<T>,
    private readonly upsdk: UpsdkGlobal,
    private readonly target: EventTarget,
    private readonly timeoutMs: number | undefined,
  ) {}

  get size(): number {
    return this.subs.size
  }

  get isRegistered(): boolean {
    return this.registered
  }

  async add(sub: Subscriber<T>): Promise<Unsubscribe> {
    this.subs.add(sub)
    this.listen(true)
    try {
      await this.sync()
    } catch (err) {
      this.remove(sub)
      throw err
    }
    let active = true
    return () => {
      if (!active) return
      active = false
      this.remove(sub)
    }
  }

  private remove(sub: Subscriber<T>): void {
    this.subs.delete(sub)
    if (this.subs.size === 0) {
      this.listen(false)
      this.sync().catch(() => {
        // a failed cancel leaves nothing for the page to do; the next subscribe re-registers anyway
      })
    }
  }

  /**
   * The kit's own DOM listener. upsdk.js attaches the `callback` it is given directly on
   * `document`, and its `cancel…` does not remove it (UPSDK.md): the same function is passed
   * as that callback (the DOM ignores a second identical registration), so removing it here
   * removes what upsdk attached too.
   */
  private listen(on: boolean): void {
    if (on === this.listening) return
    this.listening = on
    if (on) this.target.addEventListener(this.spec.event, this.listener)
    else {
      this.target.removeEventListener(this.spec.event, this.listener)
      if (typeof document !== 'undefined' && this.target !== document)
        document.removeEventListener(this.spec.event, this.listener)
    }
  }

  /** Brings the native registration in line with whether anyone is subscribed. */
  private sync(): Promise<void> {
    const run = async () => {
      const want = this.subs.size > 0
      if (want && !this.registered) {
        await callUpsdk(
          this.spec.register,
          { callback: this.listener },
          { upsdk: this.upsdk, timeoutMs: this.timeoutMs },
        )
        this.registered = true
      } else if (!want && this.registered) {
        this.registered = false
        await callUpsdk(this.spec.cancel, {}, { upsdk: this.upsdk, timeoutMs: this.timeoutMs })
      }
    }
    this.queue = this.queue.catch(() => undefined).then(run)
    return this.queue
  }
}

const channels = new WeakMap<object, Map<string, Channel<unknown>>>()

function channel<K extends BleListenerKind>(
  kind: K,
  o: BleListenOptions,
): Channel<ReturnType<(typeof SPECS)[K]['parse']>> {
  const upsdk = resolveUpsdk(o.upsdk)
  if (!upsdk)
    throw new UpsdkError(
      'not_available',
      'upsdk 未加载，无法监听蓝牙事件',
      'environment',
      undefined,
      SPECS[kind].register,
    )
  const target = o.target ?? document
  let perUpsdk = channels.get(upsdk)
  if (!perUpsdk) channels.set(upsdk, (perUpsdk = new Map()))
  // the native side has one slot per kind, so there is one channel per (upsdk, kind); its event target is fixed when it is created
  let ch = perUpsdk.get(kind)
  if (!ch) {
    ch = new Channel<unknown>(SPECS[kind] as ChannelSpec<unknown>, upsdk, target, o.timeoutMs)
    perUpsdk.set(kind, ch)
  }
  return ch as Channel<ReturnType<(typeof SPECS)[K]['parse']>>
}

function subscribe<K extends BleListenerKind>(
  kind: K,
  handler: (v: ReturnType<(typeof SPECS)[K]['parse']>) => void,
  o: BleListenOptions,
): Promise<Unsubscribe> {
  try {
    return channel(kind, o).add({ handler, onError: o.onError })
  } catch (err) {
    return Promise.reject(err)
  }
}

/** New devices during discovery (each event may carry several). Resolves once registered. */
export function onBluetoothDeviceFound(
  handler: (devices: BluetoothDevice[]) => void,
  o: BleListenOptions = {},
): Promise<Unsubscribe> {
  return subscribe('deviceFound', handler, o)
}

export function onBLEConnectionStateChange(
  handler: (s: BleConnectionState) => void,
  o: BleListenOptions = {},
): Promise<Unsubscribe> {
  return subscribe('connectionState', handler, o)
}

export function onBLECharacteristicValueChange(
  handler: (v: BleCharacteristicValue) => void,
  o: BleListenOptions = {},
): Promise<Unsubscribe> {
  return subscribe('characteristicValue', handler, o)
}

export function onBluetoothAdapterStateChange(
  handler: (s: BluetoothAdapterStateChange) => void,
  o: BleListenOptions = {},
): Promise<Unsubscribe> {
  return subscribe('adapterState', handler, o)
}

/** For tests and debugging: how many subscribers each channel of this upsdk has, and whether it is registered natively. */
export function bleListenerState(
  upsdk?: UpsdkGlobal,
): Record<BleListenerKind, { subscribers: number; registered: boolean }> {
  const u = resolveUpsdk(upsdk)
  const perUpsdk = u ? channels.get(u) : undefined
  const one = (k: BleListenerKind) => {
    const ch = perUpsdk?.get(k)
    return { subscribers: ch?.size ?? 0, registered: ch?.isRegistered ?? false }
  }
  return {
    deviceFound: one('deviceFound'),
    connectionState: one('connectionState'),
    characteristicValue: one('characteristicValue'),
    adapterState: one('adapterState'),
  }
}
