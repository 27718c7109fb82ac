import 'dotenv/config'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { sandboxBanner } from './sandbox-mode.ts'

/** Thin entry: validate config, build, listen, and shut down gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`config error: ${p}`)
      process.exit(1)
    }
    throw err
  }
  if (config.sandbox) for (const line of sandboxBanner(config)) console.error(line)
  const { app } = await buildApp(config)
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await app.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  await app.listen({ port: config.port, host: config.host })
  app.log.info(
    { sandbox: config.sandbox, publicBaseUrl: config.publicBaseUrl },
    config.sandbox ? `upkit 沙箱模式已启动：${config.publicBaseUrl}` : `upkit started: ${config.publicBaseUrl}`,
  )
}

void main()
