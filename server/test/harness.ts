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

export interface TestApp extends App {
  config: Config
}

export interface TestServer extends TestApp {
  port: number
  baseUrl: string
  close(): Promise<void>
}

/** The whole app in sandbox mode, not listening (for `app.inject()`). `env` overrides the sandbox defaults. */
export async function buildTestApp(env: Record<string, string> = {}, options: BuildAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    SANDBOX: '1',
    PORT: '0',
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    ...env,
  })
  return { ...(await buildApp(config, { distDir: false, ...options })), config }
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
  const built = await buildTestApp({ ...env, PORT: String(port) }, options)
  await built.app.listen({ port, host: '127.0.0.1' })
  return { ...built, port, baseUrl: `http://127.0.0.1:${port}`, close: () => built.app.close() }
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
