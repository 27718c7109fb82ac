import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** As printed by kit/build/sizes.ts. */
export type KitSizeRow = { name: string; bytes: number; budget?: number; note?: string }

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * The upkit entry-point sizes for `npm run bench` (kit/build/sizes.ts, run in its own process:
 * it builds with Vite, which the bench's TypeScript project does not include).
 */
export function benchKitSizes(): KitSizeRow[] {
  const r = spawnSync(process.execPath, [`${ROOT}node_modules/tsx/dist/cli.mjs`, 'kit/build/sizes.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (r.status !== 0) throw new Error('kit/build/sizes.ts failed')
  const last = r.stdout.trim().split('\n').pop() ?? '[]'
  return JSON.parse(last) as KitSizeRow[]
}
