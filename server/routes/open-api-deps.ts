import type { AppContext } from '../context.ts'
import { parsePrivateKey } from '../crypto/rsa.ts'
import type { OpenApiDeps } from '../unionpay/open-api.ts'

/** The deps of the 5.3/5.5–5.8 client functions, from the app context. */
export function openApiDeps(ctx: AppContext): OpenApiDeps {
  const { unionpay } = ctx.config
  return {
    client: ctx.unionpay,
    tokens: ctx.tokens,
    appId: unionpay.appId,
    symmetricKey: unionpay.symmetricKey,
    privateKey: unionpay.privateKey ? parsePrivateKey(unionpay.privateKey) : null,
    clock: ctx.clock,
  }
}
