import { expect, test, type Page } from '@playwright/test'

interface StubCallLog {
  method: string
  outcome?: string
  params: Record<string, unknown>
}
type StubWindow = Window & { __upsdkStub?: { calls: StubCallLog[]; configuredUrl?: string; configState: string } }

const configCalls = (page: Page) =>
  page.evaluate(() =>
    ((window as StubWindow).__upsdkStub?.calls ?? []).filter((c) => c.method === 'config').map((c) => c.outcome ?? ''),
  )

const shot = (page: Page, name: string, project: string) =>
  page.screenshot({ path: `/tmp/shots-kit/${name}-${project}.png`, fullPage: true })

test.describe('upsdk.config inside 云闪付', () => {
  test("Zepto's chunk is fetched once, from a preload the HTML names (not after the app's entry runs)", async ({
    page,
  }) => {
    const zepto: string[] = []
    page.on('request', (r) => {
      if (/\/assets\/zepto-[^/]*\.js$/.test(r.url())) zepto.push(r.url())
    })
    const res = await page.goto('/')
    const html = (await res?.text()) ?? ''
    const preload = /<link rel="modulepreload" crossorigin href="(\/assets\/zepto-[^"]+\.js)">/.exec(html)?.[1]
    expect(preload, 'index.html preloads Zepto inside 云闪付').toBeTruthy()
    expect(html).not.toContain('<script data-zepto=') // the starter no longer preloads it itself
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    expect(zepto.map((u) => new URL(u).pathname)).toEqual([preload])
  })

  test('the home page reaches ready through the real server and the sandbox', async ({ page, request }, info) => {
    const before = (await (await request.get('/sandbox/__control/unionpay/calls')).json()) as {
      calls: { api: string }[]
    }
    await page.goto('/')
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    await expect(page.getByTestId('sdk-status-text')).toHaveText('已就绪，可以调用插件')
    await expect(page.getByTestId('env-in-app')).toHaveText('是')
    await expect(page.getByTestId('env-os')).toHaveText(info.project.name.startsWith('iphone') ? 'iOS' : 'Android')
    expect(await configCalls(page)).toEqual(['success'])
    const stub = await page.evaluate(() => {
      const s = (window as StubWindow).__upsdkStub
      return { state: s?.configState, url: s?.configuredUrl }
    })
    expect(stub).toEqual({ state: 'ready', url: new URL('/', page.url()).href })
    // The server signed with a frontToken it got from the sandbox platform.
    const after = (await (await request.get('/sandbox/__control/unionpay/calls')).json()) as {
      calls: { api: string }[]
    }
    expect(after.calls.length).toBeGreaterThanOrEqual(before.calls.length)
    expect(after.calls.map((c) => c.api).join(' ')).toMatch(/frontToken/i)
    await shot(page, 'home-ready', info.project.name)
  })

  test('a wrong signature shows the error screen with the FAQ hint; 重试 recovers', async ({ page }, info) => {
    await page.route('**/api/upsdk/config', async (route) => {
      const response = await route.fetch()
      const json = (await response.json()) as Record<string, string>
      await route.fulfill({ response, json: { ...json, signature: '0'.repeat(64) } })
    })
    await page.goto('/')
    const error = page.getByTestId('sdk-error')
    await expect(error).toBeVisible()
    await expect(page.getByTestId('sdk-error-code')).toHaveText('c01')
    await expect(error).toContainText('验签失败')
    await expect(page.getByTestId('sdk-hint')).toContainText('附录八')
    await expect(page.getByTestId('sdk-hint')).toContainText('不含 #')
    expect(await configCalls(page)).toEqual(['fail'])
    await shot(page, 'home-bad-signature', info.project.name)

    await page.unroute('**/api/upsdk/config')
    await page.getByTestId('sdk-retry').click()
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    await expect(error).toBeHidden()
    expect(await configCalls(page)).toEqual(['fail', 'success'])
  })

  test('a server refusal (origin not allowed) is explained', async ({ page }, info) => {
    await page.route('**/api/upsdk/config', (route) =>
      route.fulfill({
        status: 400,
        json: {
          error: {
            code: 'URL_ORIGIN_NOT_ALLOWED',
            message: 'http://evil 不在 UPSDK 安全域名（UPSDK_ALLOWED_ORIGINS）内',
          },
        },
      }),
    )
    await page.goto('/')
    await expect(page.getByTestId('sdk-error-code')).toHaveText('URL_ORIGIN_NOT_ALLOWED')
    await expect(page.getByTestId('sdk-hint')).toContainText('UPSDK_ALLOWED_ORIGINS')
    await shot(page, 'home-origin', info.project.name)
  })

  test('shows progress while signing, and explains a failed upsdk load', async ({ page }, info) => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    await page.route('**/api/upsdk/config', async (route) => {
      await held
      await route.continue()
    })
    await page.goto('/')
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'configuring')
    await expect(page.getByTestId('sdk-status').locator('.up-spinner')).toBeVisible()
    await shot(page, 'home-configuring', info.project.name)
    release()
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    await expect(page.getByTestId('sdk-config-count')).toHaveText('1')

    const other = await page.context().newPage()
    await other.route(/\/assets\/stub-[^/]*\.js$/, (route) => route.abort())
    await other.goto('/')
    await expect(other.getByTestId('sdk-error-code')).toHaveText('load_failed')
    await expect(other.getByTestId('sdk-hint')).toContainText('Zepto')
    await other.close()
  })

  test('a route change configures again for the new URL', async ({ page }) => {
    await page.goto('/')
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    await page.getByTestId('nav-orders').click()
    await expect(page).toHaveURL(/\/orders$/)
    await expect.poll(() => configCalls(page)).toEqual(['success', 'success'])
    const urls = await page.evaluate(() => {
      const s = (window as StubWindow).__upsdkStub
      return { configured: s?.configuredUrl, verified: s?.calls.filter((c) => c.method === 'config').length }
    })
    expect(urls.configured).toBe(new URL('/orders', page.url()).href)
    await page.goBack()
    await expect.poll(() => configCalls(page)).toEqual(['success', 'success', 'success'])
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  })

  test('the plugin playground calls typed plugins through the stub', async ({ page }, info) => {
    await page.goto('/')
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    await page.evaluate(() =>
      (window as unknown as { __upsdkStub: { script(m: string, s: unknown): void } }).__upsdkStub.script('scanQRCode', {
        answer: { value: 'https://upkit.example/p/42' },
        delayMs: 300,
      }),
    )
    await page.getByTestId('try-scan').click()
    await expect(page.getByTestId('playground-result')).toContainText('https://upkit.example/p/42')
    await page.getByTestId('try-gps').click()
    await expect(page.getByTestId('playground-result')).toContainText('31.23958')
    await page.evaluate(() =>
      (window as unknown as { __upsdkStub: { script(m: string, s: unknown): void } }).__upsdkStub.script(
        'getLocationCity',
        { fail: { code: '02', msg: '权限失败' } },
      ),
    )
    await page.getByTestId('try-city').click()
    await expect(page.getByTestId('playground-result')).toContainText('权限失败')
    await page.getByTestId('try-toast').click()
    await expect(page.locator('[data-upsdk-stub="toast"]')).toHaveText('来自 upkit 的提示')
    await shot(page, 'home-playground', info.project.name)
  })

  test('the stub is scriptable from tests, and enforces config per URL (c05)', async ({ page }) => {
    await page.goto('/')
    await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
    const result = await page.evaluate(async () => {
      const w = window as unknown as {
        __upsdkStub: { script(m: string, s: unknown): void }
        upsdk: Record<string, (p: unknown) => void>
      }
      const call = (method: string) =>
        new Promise((resolve) =>
          w.upsdk[method]?.({
            success: (a: unknown) => resolve({ ok: a }),
            fail: (e: unknown) => resolve({ fail: e }),
          }),
        )
      w.__upsdkStub.script('scanQRCode', { answer: { value: 'hello' } })
      const scripted = await call('scanQRCode')
      // The address changes behind the router's back: the app has not been configured for it.
      history.pushState({}, '', '/elsewhere')
      const unconfigured = await call('scanQRCode')
      history.back()
      return { scripted, unconfigured }
    })
    // upsdk.js turns scanQRCode's {value} into the string
    expect(result.scripted).toEqual({ ok: 'hello' })
    expect(result.unconfigured).toMatchObject({ fail: { errcode: 'c05' } })
  })
})

test.describe('an ordinary browser', () => {
  test.use({
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  })

  test('shows the "open in 云闪付" screen and never configures', async ({ page }, info) => {
    const zepto: string[] = []
    page.on('request', (r) => {
      if (/\/assets\/zepto-[^/]*\.js$/.test(r.url())) zepto.push(r.url())
    })
    await page.goto('/')
    await expect(page.getByTestId('outside-app')).toBeVisible()
    await expect(page.getByTestId('outside-app')).toContainText('请在云闪付 App 内打开')
    await expect(page.getByTestId('env-in-app')).toHaveText('否')
    await expect(page.getByTestId('sdk-status')).toHaveCount(0)
    expect(await configCalls(page)).toEqual([])
    await page.waitForLoadState('networkidle')
    expect(zepto).toEqual([]) // only upsdk needs Zepto
    await shot(page, 'home-outside', info.project.name)
  })
})

test('a frontToken knocked out by another system (a20) is replaced and the page still reaches ready', async ({
  page,
  request,
}) => {
  await page.goto('/')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  // Another system with the same appId fetches a new frontToken: the server's cached one dies.
  await request.post('/sandbox/__control/unionpay/rotate-front-token')
  await page.getByTestId('nav-orders').click()
  await expect(page).toHaveURL(/\/orders$/)
  // config #2 fails with a20, the kit asks for a fresh signature, config #3 succeeds
  await expect.poll(() => configCalls(page)).toEqual(['success', 'fail', 'success'])
  const second = await page.evaluate(
    () => (window as StubWindow).__upsdkStub?.calls.filter((c) => c.method === 'config')[1],
  )
  expect(JSON.stringify(second)).toContain('a20')
})
