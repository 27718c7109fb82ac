import { createServer } from 'node:net'
import { buildApp, type App, type BuildAppOptions } from '../app.ts'
import { loadConfig, type Config } from '../config.ts'

/** A free loopback port (the OS picks; released before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface TestServer extends App {
  config: Config
  port: number
  baseUrl: string
  close(): Promise<void>
}

/**
 * The whole server in sandbox mode on a real loopback port, so the server reaches the sandbox
 * over real HTTP as in production. `env` overrides the sandbox defaults.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: BuildAppOptions = {},
): Promise<TestServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort()
  const config = loadConfig({
    SANDBOX: '1',
    PORT: String(port),
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    ...env,
  })
  const built = await buildApp(config, { distDir: false, ...options })
  await built.app.listen({ port, host: '127.0.0.1' })
  return { ...built, config, port, baseUrl: `http://127.0.0.1:${port}`, close: () => built.app.close() }
}

/** The error `fn` throws, checked to be a `type`; fails the test when it throws nothing or something else. */
export function thrownBy<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T): T {
  try {
    fn()
  } catch (err) {
    if (err instanceof type) return err
    throw err
  }
  throw new Error(`expected a ${type.name}`)
}
