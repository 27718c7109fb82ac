import type { StubHost } from './host'

/** Simulated BLE peripherals and adapter (issue 6). Returns the scripting handle exposed to tests. */
export function installBle(_host: StubHost): Record<string, unknown> {
  return {}
}
