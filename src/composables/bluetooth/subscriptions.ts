import {
  onBLECharacteristicValueChange,
  onBLEConnectionStateChange,
  onBluetoothAdapterStateChange,
  type BleCharacteristicValue,
  type BleConnectionState,
  type BleListenOptions,
  type BluetoothAdapterStateChange,
  type Unsubscribe,
} from '@/upsdk/bluetooth'

/** Subscriptions held until their owner ends; one that resolves after the end is cancelled at once. */
export interface SubscriptionBag {
  keep(unsub: Unsubscribe): Unsubscribe
  /** Cancels every subscription held; the bag stays open. */
  cancelAll(): void
  /** Cancels every subscription held and everything kept from now on. */
  close(): void
  readonly closed: boolean
}

export function createSubscriptionBag(): SubscriptionBag {
  const held: Unsubscribe[] = []
  let closed = false
  const cancelAll = () => {
    for (const u of held.splice(0)) u()
  }
  return {
    keep(unsub) {
      if (closed) unsub()
      else held.push(unsub)
      return unsub
    },
    cancelAll,
    close() {
      closed = true
      cancelAll()
    },
    get closed() {
      return closed
    },
  }
}

/** What a Bluetooth session listens to for its whole life. */
export interface BleEventHandlers {
  adapterState(s: BluetoothAdapterStateChange): void
  connectionState(s: BleConnectionState): void
  characteristicValue(v: BleCharacteristicValue): void
}

/** Registers the session's listeners, in this order (adapter, connection, value), into `bag`. */
export async function subscribeBleEvents(
  handlers: BleEventHandlers,
  bag: SubscriptionBag,
  listen: () => BleListenOptions,
): Promise<void> {
  bag.keep(await onBluetoothAdapterStateChange(handlers.adapterState, listen()))
  bag.keep(await onBLEConnectionStateChange(handlers.connectionState, listen()))
  bag.keep(await onBLECharacteristicValueChange(handlers.characteristicValue, listen()))
}
