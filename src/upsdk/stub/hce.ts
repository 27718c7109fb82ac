import type { StubHost } from './host'

/** Simulated HCE state and NFC reader (issue 6). Returns the scripting handle exposed to tests. */
export function installHce(_host: StubHost): Record<string, unknown> {
  return {}
}
