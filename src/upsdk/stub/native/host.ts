/** One call that reached the simulated native side, for tests and the debug panel. */
export interface StubCall {
  /** The plugin the call stands for (`config` for `UPWebSdk.config`, `getLocationCity` for `fetchNativeData` type 0). */
  method: string
  /** The cordova Service and action it was sent to. */
  service: string
  action: string
  params: Record<string, unknown>
  at: number
  outcome?: 'success' | 'fail' | 'pending'
  answer?: unknown
  /** When the native side answered (ms since epoch). */
  answeredAt?: number
}

export interface StubReply {
  success(answer?: unknown): void
  fail(err: unknown): void
}

/** A simulated native implementation of one plugin. */
export type StubMethodHandler = (params: Record<string, unknown>, reply: StubReply) => void | Promise<void>

/**
 * What the simulated native side offers to the simulators (BLE devices, HCE reader, pay sheet):
 * they define the native behaviour of their plugins and fire document events the cordova way.
 */
export interface StubHost {
  define(plugin: string, handler: StubMethodHandler): void
  /** `cordova.fireDocumentEvent(type, data)`: a plain `Event` whose own properties are `data`'s fields. */
  emit(eventName: string, data?: Record<string, unknown>): void
  /** Base URL of the sandbox server (e.g. '/sandbox'), for simulators that talk to it. */
  readonly sandboxBase: string
  readonly calls: readonly StubCall[]
  /** The document events are fired on and overlays drawn in. */
  readonly document: Document
}
