import { expect, test, type Page } from '@playwright/test'

/**
 * The paths the real upsdk.js breaks (issue 9), on the two-layer stub: its JS layer replays
 * stale ready/error answers like the real script, and its native side refuses plugin calls
 * (c05) while the config for a new address is in flight.
 */

interface StubCall {
  method: string
  outcome?: string
  at: number
  answeredAt?: number
  answer?: unknown
}
interface StubHandle {
  calls: StubCall[]
  script(method: string, step: unknown): void
  pay: { open: string | null }
}
const stub = (page: Page) => page.evaluate(() => (window as unknown as { __upsdkStub: StubHandle }).__upsdkStub.calls)
const configOutcomes = async (page: Page) =>
  (await stub(page)).filter((c) => c.method === 'config').map((c) => c.outcome)

test('a20 at the very first config: a fresh signature and ready, without a tap', async ({ page }, info) => {
  // the app rejects the page's first config with a20 (as when another system took a new frontToken)
  await page.addInitScript(() => {
    ;(window as unknown as { __upsdkStubSetup: (h: StubHandle) => void }).__upsdkStubSetup = (h) =>
      h.script('config', [{ fail: { errcode: 'a20', errmsg: '不合法的frontToken，或已过期' } }])
  })
  await page.goto('/')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  expect(await configOutcomes(page)).toEqual(['fail', 'success'])
  expect(JSON.stringify((await stub(page))[0]?.answer)).toContain('a20')
  await expect(page.getByTestId('sdk-error')).toHaveCount(0)
  await expect(page.getByTestId('sdk-config-count')).toHaveText('2')
  await page.screenshot({ path: `/tmp/shots-kit/a20-first-config-${info.project.name}.png`, fullPage: true })
})

test('to the Bluetooth page with a 300 ms native config answer: no plugin call before that answer', async ({
  page,
}, info) => {
  await page.goto('/')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  await page.evaluate(() =>
    (window as unknown as { __upsdkStub: StubHandle }).__upsdkStub.script('config', [{ delayMs: 300 }]),
  )
  await page.getByTestId('nav-bluetooth').click()
  await expect(page.getByTestId('ble-status')).toHaveText('蓝牙已就绪')
  const calls = await stub(page)
  const configs = calls.filter((c) => c.method === 'config')
  expect(configs.map((c) => c.outcome)).toEqual(['success', 'success'])
  const answer = configs[1]?.answeredAt ?? Infinity
  const plugins = calls.filter((c) => c.method !== 'config' && c.at >= (configs[1]?.at ?? 0))
  expect(plugins.map((c) => c.method)).toEqual(
    expect.arrayContaining(['registerBLEConnectionStateChange', 'openBluetoothAdapter']),
  )
  for (const c of plugins) expect(c.at, c.method).toBeGreaterThanOrEqual(answer)
  expect(calls.filter((c) => JSON.stringify(c.answer ?? '').includes('c05'))).toEqual([])

  // scan, connect and notifications arrive as cordova events: plain Events with own properties
  const kinds = await page.evaluate(() => {
    const seen: string[] = []
    for (const type of ['BluetoothDeviceFound', 'BLEConnectionStateChange', 'BLECharacteristicValueChange']) {
      document.addEventListener(type, (e) =>
        seen.push(`${type}:${e instanceof CustomEvent ? 'custom' : 'plain'}:${'deviceId' in e || 'devices' in e}`),
      )
    }
    ;(window as unknown as { __seen: string[] }).__seen = seen
    return seen
  })
  expect(kinds).toEqual([])
  await page.getByTestId('ble-scan').click()
  const hr = page.locator('[data-testid="ble-device"][data-device-id="AA:BB:CC:00:18:0D"]')
  await hr.getByRole('button', { name: '连接' }).click()
  await expect(hr).toContainText('已连接')
  const panel = page.getByTestId('ble-panel')
  await panel.getByRole('button', { name: /心率服务/ }).click()
  await panel
    .locator('[data-testid="ble-char"]', { hasText: '心率测量' })
    .getByRole('button', { name: '开启通知' })
    .click()
  await expect(page.locator('[data-testid="ble-log-entry"][data-kind="notify"]').first()).toContainText(
    /心率 \d+ 次\/分/,
  )
  const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)
  for (const type of ['BluetoothDeviceFound', 'BLEConnectionStateChange', 'BLECharacteristicValueChange'])
    expect(seen).toContain(`${type}:plain:true`)
  expect(seen.some((s) => s.includes(':custom:'))).toBe(false)
  await page.screenshot({ path: `/tmp/shots-kit/ble-after-slow-config-${info.project.name}.png`, fullPage: true })
})

test('upsdk.pay shows the 云闪付 pay sheet; 支付 pays, and the server confirms', async ({ page }, info) => {
  await page.goto('/pay')
  await page.getByTestId('pay-amount').fill('6.66')
  await expect(page.getByRole('radio', { name: /云闪付 App 内支付/ })).toBeChecked()
  await page.getByRole('button', { name: '去支付' }).click()
  const sheet = page.locator('[data-upsdk-stub="pay-sheet"]')
  await expect(sheet).toBeVisible()
  await expect(sheet).toContainText('交易流水号')
  await page.screenshot({ path: `/tmp/shots-kit/pay-sheet-${info.project.name}.png`, fullPage: true })
  await sheet.getByRole('button', { name: '支付', exact: true }).click()
  await page.waitForURL(/\/pay\/result\?/)
  await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
})

test.describe('inside 云闪付 but without (updebug N)', () => {
  test.use({
    userAgent: `Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36 (com.unionpay.chsp) (cordova 4.5.4) (version 929)`,
  })

  test('explains that the page cannot reach the upsdk bridge, and how to fix it', async ({ page }, info) => {
    await page.goto('/')
    await expect(page.getByTestId('sdk-error-code')).toHaveText('no_bridge')
    await expect(page.getByTestId('sdk-error')).toContainText('云闪付内，但页面无法连接 upsdk 桥')
    await expect(page.getByTestId('sdk-error')).toContainText('(updebug N)')
    await expect(page.getByTestId('sdk-hint')).toContainText('从云闪付本身打开本页')
    await expect(page.getByTestId('sdk-retry')).toHaveCount(0)
    await expect(page.getByTestId('env-bridge')).toHaveText('无法连接（缺少 updebug 标记）')
    await page.screenshot({ path: `/tmp/shots-kit/no-updebug-${info.project.name}.png`, fullPage: true })
  })
})

test.describe('inside 云闪付 without a bridge token', () => {
  test.use({
    userAgent: `Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.chsp) (updebug 0) (version 929) (clientVersion 189)`,
  })

  test('the Bluetooth page says so at once, without 重试', async ({ page }) => {
    await page.goto('/bluetooth')
    await expect(page.getByTestId('ble-ready-error')).toContainText('无法连接 upsdk 桥')
    await expect(page.getByTestId('ble-retry')).toHaveCount(0)
  })
})

test('the sandbox panel scripts the simulated app from the page: a20 on the next config is recovered by itself', async ({
  page,
}, info) => {
  await page.goto('/')
  await expect(page.getByTestId('stub-panel')).toBeVisible()
  await page.getByTestId('stub-a20-config').click()
  await expect(page.getByTestId('stub-notice')).toContainText('a20')
  await page.screenshot({ path: `/tmp/shots-kit/stub-panel-${info.project.name}.png`, fullPage: true })
  await page.getByTestId('nav-orders').click()
  await expect.poll(() => configOutcomes(page)).toEqual(['success', 'fail', 'success'])
  await page.goBack()
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
})
