/** One recorded call to the stub, for tests and the debug panel. */
export interface StubCall {
  method: string
  params: Record<string, unknown>
  at: number
  outcome?: 'success' | 'fail' | 'pending'
  answer?: unknown
}

export interface StubReply {
  success(answer?: unknown): void
  fail(err: unknown): void
}

/** A simulated native implementation of one plugin method. */
export type StubMethodHandler = (params: Record<string, unknown>, reply: StubReply) => void | Promise<void>

/**
 * What the stub core offers to the simulators (BLE devices, HCE reader, pay): they define the
 * native behaviour of their plugin methods and raise DOM events on `document`.
 */
export interface StubHost {
  define(method: string, handler: StubMethodHandler): void
  /** Dispatches `new CustomEvent(name, { detail })` on document, as the app does for listener plugins. */
  emit(eventName: string, detail: unknown): void
  /** Base URL of the sandbox server (e.g. '/sandbox'), for simulators that talk to it. */
  readonly sandboxBase: string
  readonly calls: readonly StubCall[]
}
