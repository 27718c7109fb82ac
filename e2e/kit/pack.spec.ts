import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from '@playwright/test'

/**
 * Issue 16's proof: the kit as an app that is not ours gets it. `npm pack` of the built package,
 * one install into a fresh folder outside the repo (npm's ordinary cache), then three consumers:
 * a plain TypeScript project over every entry point, an express server with upkit/server against
 * upkit/sandbox, and a Vite + Vue app with upkit/vue and upkit/stub in Chromium.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PROOF = join(ROOT, 'kit', 'proof')
const SANDBOX_SECRETS = ['upkit-sandbox-secret', 'upkitSandboxMd5Key', 'upkitSandboxAppKey']
const STUB_MARKERS = ['__upsdkStub', 'verify-config']

/** The versions the repo itself installs, so npm's cache already holds most of them. */
function version(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** Starts a process and resolves once a line of its stdout matches. */
function startUntil(cmd: string, args: string[], cwd: string, env: Record<string, string>, ready: RegExp) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const started = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      // without colour codes (vite prints the port in bold)
      out += d.toString().replace(/\u001b\[[0-9;]*m/g, '')
      const m = ready.exec(out)
      if (m) resolve(m[0])
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before it was ready:\n${out}`)))
  })
  return { child, started }
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : []
  })
}

test.describe.configure({ mode: 'serial' })

let work = ''
const children: ChildProcess[] = []

test.beforeAll(async () => {
  test.setTimeout(600_000)
  run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'kit/build/build.ts'], ROOT)
  work = mkdtempSync(join(tmpdir(), 'upkit-proof-'))
  const packed = run('npm', ['pack', '--silent', '--pack-destination', work], join(ROOT, 'kit'))
    .trim()
    .split('\n')
    .pop()
  cpSync(PROOF, work, { recursive: true })
  // One install for the three consumers (each folder resolves node_modules from here).
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({
      name: 'upkit-proof',
      private: true,
      type: 'module',
      dependencies: {
        upkit: `file:./${packed}`,
        vue: version('vue'),
        pinia: version('pinia'),
        express: '^5.1.0',
        fastify: version('fastify'),
      },
      devDependencies: {
        vite: version('vite'),
        '@vitejs/plugin-vue': version('@vitejs/plugin-vue'),
        typescript: version('typescript'),
        '@types/node': version('@types/node'),
        '@types/express': '^5.0.0',
      },
    }),
  )
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work)
})

test.afterAll(() => {
  for (const c of children) c.kill('SIGTERM')
  if (work) rmSync(work, { recursive: true, force: true })
})

test('a plain TypeScript consumer type-checks against every entry point', () => {
  run(process.execPath, [join(work, 'node_modules/typescript/bin/tsc'), '-p', 'ts-consumer'], work)
  // and a wrong use is refused: the types are real
  writeFileSync(
    join(work, 'ts-consumer', 'wrong.ts'),
    "import { startSandbox } from 'upkit/sandbox'\nstartSandbox({ port: 'x' })\n",
  )
  const r = spawnSync(
    process.execPath,
    [join(work, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'ts-consumer/tsconfig.wrong.json'],
    {
      cwd: work,
      encoding: 'utf8',
    },
  )
  expect(r.stdout).toContain("Type 'string' is not assignable to type 'number'")
})

test.describe('served apps', () => {
  let apiPort = 0
  let pagePort = 0
  let sandboxUrl = ''

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    apiPort = await freePort()
    pagePort = await freePort()
    const api = startUntil(
      process.execPath,
      ['express-server/server.mjs'],
      work,
      { PORT: String(apiPort), PAGE_ORIGIN: `http://127.0.0.1:${pagePort}` },
      /\{"ready":true[^\n]*\}/,
    )
    children.push(api.child)
    sandboxUrl = (JSON.parse(await api.started) as { sandbox: string }).sandbox
  })

  test('express with upkit/server answers the config route and verifies notifications (开放平台 and 全渠道)', async ({
    request,
  }) => {
    const base = `http://127.0.0.1:${apiPort}`
    expect((await (await request.get(`${base}/hello`)).json()) as unknown).toEqual({ hello: 'merchant' })

    const url = `${base}/shop?item=1`
    const res = await request.post(`${base}/api/upsdk/config`, { data: { url } })
    expect(res.status()).toBe(200)
    const signed = (await res.json()) as Record<string, string>
    expect(Object.keys(signed).sort()).toEqual(['appId', 'nonceStr', 'signature', 'timestamp'])
    // the sandbox checks it with its own code against the frontToken it issued
    const check = await request.post(`${sandboxUrl}/unionpay/__upsdk/verify-config`, { data: { ...signed, url } })
    expect(await check.json()).toMatchObject({ ok: true })

    const outside = await request.post(`${base}/api/upsdk/config`, { data: { url: 'https://evil.example/x' } })
    expect(outside.status()).toBe(400)
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe('URL_ORIGIN_NOT_ALLOWED')

    // a signed 解约结果通知 from the sandbox is verified and handed to the app once
    const sent = (await (
      await request.post(`${base}/proof/relieve`, { data: { openId: 'user+/1=', contractId: 'C0001' } })
    ).json()) as { httpStatus: number; answer: string; params: Record<string, string> }
    expect(sent.httpStatus).toBe(200)
    expect(JSON.parse(sent.answer)).toEqual({ resp: '00' })
    // the platform's retry changes nothing
    const again = await request.post(`${base}/notify/unionpay/contract`, { data: sent.params })
    expect(await again.json()).toEqual({ resp: '00' })
    // a tampered one is refused
    const forged = await request.post(`${base}/notify/unionpay/contract`, {
      data: { ...sent.params, contractId: 'C9999' },
    })
    expect(await forged.json()).toEqual({ resp: '01' })
    expect(await (await request.get(`${base}/proof/relieved`)).json()).toEqual([
      { openId: 'user+/1=', contractId: 'C0001' },
    ])

    // a 全渠道 backUrl notification (url-encoded form): certificate chain and signature checked, handed over once
    const acp = (await (
      await request.post(`${base}/proof/acp-sign`, {
        data: {
          version: '5.1.0',
          encoding: 'UTF-8',
          merId: '777290058110048',
          orderId: 'P0001',
          txnTime: '20261201101500',
          txnType: '01',
          txnSubType: '01',
          txnAmt: '1200',
          respCode: '00',
        },
      })
    ).json()) as Record<string, string>
    const notifyAcp = (fields: Record<string, string>) => request.post(`${base}/notify/unionpay/acp`, { form: fields })
    for (let i = 0; i < 2; i++) {
      const r = await notifyAcp(acp)
      expect([r.status(), await r.text()]).toEqual([200, 'ok'])
    }
    const tamperedAcp = await notifyAcp({ ...acp, txnAmt: '1' })
    expect([tamperedAcp.status(), await tamperedAcp.text()]).toEqual([400, 'fail'])
    expect(await (await request.get(`${base}/proof/acp-settled`)).json()).toEqual([
      { orderId: 'P0001', respCode: '00', txnAmt: '1200' },
    ])
  })

  test('a Vite + Vue app with upkit/vue and upkit/stub reaches ready in Chromium', async ({ page }) => {
    test.setTimeout(180_000)
    const vite = join(work, 'node_modules/vite/bin/vite.js')
    const app = join(work, 'vue-app')
    // the production build first: no stub, no sandbox, no secrets in what the browser gets
    run(process.execPath, [vite, 'build', '--outDir', 'dist-prod', '--logLevel', 'error'], app)
    const prod = jsFiles(join(app, 'dist-prod'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')
    for (const marker of [...STUB_MARKERS, ...SANDBOX_SECRETS, 'node:crypto']) expect(prod).not.toContain(marker)
    // the test build carries the stub (so the check above can fail)
    run(process.execPath, [vite, 'build', '--logLevel', 'error'], app, { VITE_UPKIT_STUB: '1' })
    const withStub = jsFiles(join(app, 'dist'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')
    for (const marker of STUB_MARKERS) expect(withStub).toContain(marker)
    for (const secret of SANDBOX_SECRETS) expect(withStub).not.toContain(secret)

    const preview = startUntil(
      process.execPath,
      [vite, 'preview', '--port', String(pagePort)],
      app,
      { UPKIT_API_ORIGIN: `http://127.0.0.1:${apiPort}`, UPKIT_SANDBOX_ORIGIN: new URL(sandboxUrl).origin },
      /http:\/\/127\.0\.0\.1:\d+/,
    )
    children.push(preview.child)
    await preview.started
    await page.goto(`http://127.0.0.1:${pagePort}/`)
    await expect(page.locator('#status')).toHaveText('ready', { timeout: 20_000 })
    await expect(page.locator('#error')).toHaveText('')
    // the stub's scripting handle is there, and the config went through the kit's server route
    const configured = await page.evaluate(
      () => (window as unknown as { __upsdkStub?: { configState: string } }).__upsdkStub?.configState,
    )
    expect(configured).toBe('ready')
  })
})
