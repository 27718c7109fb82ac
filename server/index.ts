import 'dotenv/config'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { sandboxBanner } from './sandbox-mode.ts'
import { listenFailureLine, startupLines, terminalLogStream } from './startup-console.ts'

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
  const logStream = terminalLogStream(process.env, process.stdout.isTTY === true)
  const { app } = await buildApp(config, logStream ? { logStream } : {})
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
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    const line = listenFailureLine(err, config.port)
    if (!line) throw err
    console.error(line)
    process.exit(1)
  }
  app.log.info({ sandbox: config.sandbox, publicBaseUrl: config.publicBaseUrl }, 'listening')
  for (const line of startupLines({
    publicBaseUrl: config.publicBaseUrl,
    host: config.host,
    port: config.port,
    sandbox: config.sandbox,
  }))
    console.error(line)
}

void main()
