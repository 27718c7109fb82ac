import type { StubHost } from './host'

/** `upsdk.pay({tn})` against the sandbox tn provider (issue 5). Returns the scripting handle exposed to tests. */
export function installPay(_host: StubHost): Record<string, unknown> {
  return {}
}
