import { parsePrivateKey } from '../crypto/rsa.ts'
import { DEFAULT_USERS } from '../sandbox/unionpay/state.ts'
import type { SandboxOpenApis } from '../sandbox/unionpay/open/state.ts'
import { startTestServer, type TestServer } from '../test/harness.ts'
import type { OpenApiDeps } from './open-api.ts'

export const USER1 = DEFAULT_USERS[0]!
export const USER2 = DEFAULT_USERS[1]!

export interface OpenApiFixture {
  server: TestServer
  deps: OpenApiDeps
  sandbox: SandboxOpenApis
  /** A live OAuth accessToken of `openId`, as 联登 would give. */
  accessToken(openId?: string): string
  /** The sandbox's recorded calls of one API. */
  calls(api: string): Array<{ resp: string; body: Record<string, unknown> }>
}

/** The whole server in sandbox mode, and the deps the open-API client functions take. */
export async function startOpenApiFixture(env: Record<string, string> = {}): Promise<OpenApiFixture> {
  const server = await startTestServer(env)
  const { ctx, config } = server
  const sb = server.sandbox
  if (!sb) throw new Error('sandbox expected')
  const deps: OpenApiDeps = {
    client: ctx.unionpay,
    tokens: ctx.tokens,
    appId: config.unionpay.appId,
    symmetricKey: config.unionpay.symmetricKey,
    privateKey: config.unionpay.privateKey ? parsePrivateKey(config.unionpay.privateKey) : null,
    clock: ctx.clock,
  }
  return {
    server,
    deps,
    sandbox: sb.open,
    accessToken(openId = USER1.openId) {
      const code = sb.unionpay.issueCode({ openId, scope: 'upapi_base', redirectUri: `${server.baseUrl}/x` })
      const used = sb.unionpay.useCode(code.code)
      if (!used) throw new Error('code')
      return sb.unionpay.issueAccessToken(used).accessToken
    },
    calls: (api) => sb.unionpay.calls.filter((c) => c.api === api),
  }
}
