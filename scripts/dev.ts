import 'dotenv/config'
import { spawn } from 'node:child_process'
import { buildApp } from '../server/app.ts'
import { loadConfig } from '../server/config.ts'
import { sandboxBanner } from '../server/sandbox-mode.ts'

/**
 * `npm run dev`: the API server on UPKIT_API_PORT (8788) without static files, and the Vite dev
 * server (HMR) on PORT (8787) proxying /api, /notify and /sandbox to it. Redirect URLs use the
 * Vite origin so the browser stays on one origin.
 */
const vitePort = Number(process.env.PORT ?? 8787)
const apiPort = Number(process.env.UPKIT_API_PORT ?? 8788)
const config = loadConfig({
  ...process.env,
  PORT: String(apiPort),
  PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${vitePort}`,
})
if (config.sandbox) for (const line of sandboxBanner(config)) console.error(line)
const { app } = await buildApp(config, { distDir: false })
await app.listen({ port: apiPort, host: config.host })
const vite = spawn('npx', ['vite', '--port', String(vitePort), '--strictPort'], {
  stdio: 'inherit',
  env: { ...process.env, UPKIT_API_PORT: String(apiPort) },
})
const stop = async () => {
  vite.kill('SIGTERM')
  await app.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
vite.on('exit', (code) => void app.close().then(() => process.exit(code ?? 0)))
