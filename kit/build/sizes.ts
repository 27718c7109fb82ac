/**
 * Entry-point sizes of the upkit package for `npm run bench`: each entry minified with every
 * chunk it imports statically (vue and pinia left to the app, Node dependencies not counted),
 * gzip; Zepto, which the loader imports on demand, on its own row.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { buildNode, buildWeb, NODE_ENTRIES, ROOT, WEB_ENTRIES } from './build.ts'

/** One row of `npm run bench` (bench/bundle.ts's shape). */
export type KitSizeRow = { name: string; /** gzip bytes */ bytes: number; budget?: number; note?: string }

/**
 * Browser entry budgets (gzip) for everything an entry exports; an app that imports a few names
 * gets less (`sideEffects: false`).
 */
export const KIT_BUDGETS: Readonly<Record<keyof typeof WEB_ENTRIES, number>> = {
  upsdk: 24 * 1024,
  vue: 28 * 1024,
  stub: 24 * 1024,
}

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length

/** The file and every chunk it imports statically (`import … from "./x.js"`), once each. */
export function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const code = readFileSync(file, 'utf8')
  for (const m of code.matchAll(/(?:^|[;\n])\s*(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    const dep = join(dirname(file), m[1] ?? '')
    if (existsSync(dep)) staticClosure(dep, seen)
  }
  return seen
}

function entryRow(dir: string, name: string, label: string, extra: Partial<KitSizeRow>): KitSizeRow {
  const files = staticClosure(join(dir, `${name}.js`))
  return {
    name: `upkit/${name} (${label})`,
    bytes: [...files].reduce((n, f) => n + gz(f), 0),
    ...extra,
    note: `${files.size} file(s)${extra.note ? `; ${extra.note}` : ''}`,
  }
}

export async function benchKitSizes(): Promise<KitSizeRow[]> {
  const out = join(ROOT, '.tmp', 'kit-sizes')
  rmSync(out, { recursive: true, force: true })
  await buildWeb(join(out, 'web'), true)
  await buildNode(join(out, 'node'), true)
  const rows: KitSizeRow[] = []
  for (const name of Object.keys(WEB_ENTRIES) as Array<keyof typeof WEB_ENTRIES>)
    rows.push(entryRow(join(out, 'web'), name, 'gzip', { budget: KIT_BUDGETS[name], note: 'vue/pinia not counted' }))
  const chunks = join(out, 'web', 'chunks')
  const zepto = readdirSync(chunks).find((f) => /zepto/i.test(f))
  if (zepto) rows.push({ name: 'upkit Zepto chunk (gzip, loaded on demand)', bytes: gz(join(chunks, zepto)) })
  for (const name of Object.keys(NODE_ENTRIES))
    rows.push(entryRow(join(out, 'node'), name, 'gzip, Node', { note: 'dependencies not counted' }))
  return rows
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // stdout carries only the rows (the bench runner reads them); vite's own lines go to stderr
  process.stdout.write(`${JSON.stringify(await benchKitSizes())}\n`)
}
