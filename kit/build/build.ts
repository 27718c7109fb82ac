/**
 * Builds the `upkit` package into kit/dist: the browser entry points (ESM, Zepto made a module
 * and bundled, vue/pinia left to the app), the Node entry points (dependencies left external)
 * and the declarations, with the repo's `@/`, `@common/` aliases and `.ts` specifiers rewritten.
 *   tsx kit/build/build.ts
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { zeptoAsModule } from '../../vite.config.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const KIT = join(ROOT, 'kit')
export const DIST = join(KIT, 'dist')
const TYPES = join(DIST, 'types')

export const WEB_ENTRIES = { upsdk: 'kit/web/upsdk.ts', vue: 'kit/web/vue.ts', stub: 'kit/web/stub.ts' } as const
export const NODE_ENTRIES = { server: 'kit/node/server.ts', sandbox: 'kit/node/sandbox.ts' } as const

export const ALIASES = { '@': join(ROOT, 'src'), '@common': join(ROOT, 'common') }
/** What the app provides to the browser entry points (peer dependencies). */
export const WEB_EXTERNAL = [/^vue($|\/)/, /^pinia($|\/)/, /^vue-router($|\/)/]

const BASE = { configFile: false, root: ROOT, publicDir: false, logLevel: 'warn' } as const

/** The browser entry points; `minify` for size figures (the package ships them readable: the app minifies). */
export async function buildWeb(outDir = join(DIST, 'web'), minify = false): Promise<void> {
  await build({
    ...BASE,
    plugins: [zeptoAsModule()],
    resolve: { alias: ALIASES },
    // The package never carries the stub inside upkit/upsdk: apps install it through upkit/stub.
    define: { 'import.meta.env.VITE_UPSDK_URL': 'undefined' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2020',
      minify,
      lib: { entry: WEB_ENTRIES, formats: ['es'] },
      rolldownOptions: { external: WEB_EXTERNAL, output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  })
}

/** The Node entry points, dependencies external. */
export async function buildNode(outDir = join(DIST, 'node'), minify = false): Promise<void> {
  await build({
    ...BASE,
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify,
      rolldownOptions: {
        input: NODE_ENTRIES,
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  })
}

function emitDeclarations(): void {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  const common = ['--declaration', '--emitDeclarationOnly', '--noEmit', 'false', '--outDir', TYPES, '--rootDir', ROOT]
  for (const project of ['kit/build/tsconfig.web.json', 'kit/build/tsconfig.node.json']) {
    const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, project), ...common], { stdio: 'inherit' })
    if (r.status !== 0) throw new Error(`declarations failed for ${project}`)
  }
  for (const file of walk(TYPES)) if (file.endsWith('.d.ts')) rewriteSpecifiers(file)
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

/** `@/x`, `@common/x`, `./x.ts`, `./dir` → relative `.js` specifiers a consumer's TypeScript resolves. */
function rewriteSpecifiers(file: string): void {
  const src = readFileSync(file, 'utf8')
  const out = src.replace(/(from\s+|import\()(['"])([^'"]+)\2/g, (whole, lead: string, q: string, spec: string) => {
    let target: string | undefined
    if (spec.startsWith('@/')) target = join(TYPES, 'src', spec.slice(2))
    else if (spec.startsWith('@common/')) target = join(TYPES, 'common', spec.slice(8))
    else if (spec.startsWith('.')) target = join(dirname(file), spec)
    if (!target) return whole
    const bare = target.replace(/\.(ts|js)$/, '')
    const resolved = existsSync(`${bare}.d.ts`)
      ? `${bare}.js`
      : existsSync(join(bare, 'index.d.ts'))
        ? join(bare, 'index.js')
        : null
    if (!resolved) throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`)
    let rel = relative(dirname(file), resolved)
    if (!rel.startsWith('.')) rel = `./${rel}`
    return `${lead}${q}${rel}${q}`
  })
  if (out !== src) writeFileSync(file, out)
}

/**
 * Every package the built files import must be a dependency or a peer of kit/package.json (with
 * the repo's version range), or an app that installs upkit fails at its first import.
 */
const IMPORT_SPECIFIER =
  /(?:^\s*(?:import|export)\s[^'"]*?from\s*|^\s*import\s*|\bimport\s*\(\s*)["']([^"'./][^"']*)["']/gm

export function checkDependencies(): void {
  const manifest = JSON.parse(readFileSync(join(KIT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>
  const repo = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies }
  const problems = new Set<string>()
  for (const file of walk(DIST).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(file, 'utf8')
    // statements only (a comment may quote "from" or a module name)
    for (const m of code.matchAll(IMPORT_SPECIFIER)) {
      const spec = m[1] ?? ''
      if (spec.startsWith('node:')) continue
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec)
      if (!declared[name]) {
        const range = repo.dependencies?.[name] ?? repo.devDependencies?.[name] ?? '?'
        problems.add(`${relative(ROOT, file)} imports ${name}: add "${name}": "${range}" to kit/package.json`)
      }
    }
  }
  if (problems.size) throw new Error(`kit/package.json misses dependencies:\n${[...problems].join('\n')}`)
}

export async function buildKit(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true })
  await buildWeb()
  await buildNode()
  checkDependencies()
  emitDeclarations()
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildKit()
  console.log(`upkit built into ${relative(ROOT, DIST)}`)
}
