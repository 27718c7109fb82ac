import { expect, test, type Page } from '@playwright/test'

const HR = 'AA:BB:CC:00:18:0D'
const LOCK = 'AA:BB:CC:00:FF:F0'

interface BleHandle {
  setAdapter(on: boolean): void
  disconnect(deviceId: string): void
  setRssi(deviceId: string, rssi: number): void
  state(): { connected: string[]; registrations: string[]; discovering: boolean }
}
type StubWindow = { __upsdkStub: { ble: BleHandle } }

async function openConsole(page: Page) {
  await page.goto('/bluetooth')
  await expect(page.getByTestId('ble-status')).toHaveText('蓝牙已就绪')
}

const device = (page: Page, id: string) => page.locator(`[data-testid="ble-device"][data-device-id="${id}"]`)

test.describe('Bluetooth console', () => {
  test('scans and lists the simulated devices with live RSSI', async ({ page }) => {
    await openConsole(page)
    await page.getByTestId('ble-scan').click()
    await expect(page.getByTestId('ble-device')).toHaveCount(3)
    await expect(page.getByTestId('ble-device')).toContainText(['UP-HeartRate', 'UP-DoorLock', 'UP-Beacon'], {
      ignoreCase: false,
      useInnerText: true,
    })
    await page.evaluate((id) => (window as unknown as StubWindow).__upsdkStub.ble.setRssi(id, -40), HR)
    await expect
      .poll(async () => Number(await device(page, HR).getByTestId('ble-rssi').textContent()))
      .toBeGreaterThanOrEqual(-44)
    // the beacon only advertises: no 连接 button, and the list says why
    const beacon = device(page, 'AA:BB:CC:00:00:BE')
    await expect(beacon.getByTestId('ble-beacon-note')).toHaveText(/Eddystone 信标只对外广播自己的标识.*不接受连接/)
    await expect(beacon.getByRole('button')).toHaveCount(0)
    await expect(device(page, LOCK).getByRole('button', { name: '连接' })).toBeVisible()
    await page.getByTestId('ble-scan').click()
    await expect(page.getByTestId('ble-scan')).toHaveText(/扫描附近设备/)
    await page.screenshot({ path: '/tmp/shots-ble/bluetooth-scan.png', fullPage: true })
  })

  test('connects to the heart-rate sensor and shows its notifications', async ({ page }) => {
    await openConsole(page)
    await page.getByTestId('ble-scan').click()
    await device(page, HR).getByRole('button', { name: '连接' }).click()
    await expect(device(page, HR)).toContainText('已连接')
    const panel = page.getByTestId('ble-panel')
    await panel.getByRole('button', { name: /心率服务/ }).click()
    await panel
      .locator('[data-testid="ble-char"]', { hasText: '心率测量' })
      .getByRole('button', { name: '开启通知' })
      .click()
    await expect(page.locator('[data-testid="ble-log-entry"][data-kind="notify"]').nth(2)).toBeVisible()
    await expect(page.locator('[data-testid="ble-log-entry"][data-kind="notify"]').first()).toContainText(
      /心率 \d+ 次\/分/,
    )
    await page.screenshot({ path: '/tmp/shots-ble/bluetooth-heart-rate.png', fullPage: true })
  })

  test('writes a command to the door lock and reads its answer', async ({ page }) => {
    await openConsole(page)
    await page.getByTestId('ble-scan').click()
    await device(page, LOCK).getByRole('button', { name: '连接' }).click()
    const panel = page.getByTestId('ble-panel')
    await panel.getByRole('button', { name: /门锁服务/ }).click()
    const command = panel.locator('[data-testid="ble-char"]', { hasText: '门锁命令' })
    await command.getByTestId('ble-write-input').fill('01')
    await command.getByRole('button', { name: '写入' }).click()
    await expect(panel.getByTestId('ble-panel-message')).toHaveText('已写入')
    const status = panel.locator('[data-testid="ble-char"]', { hasText: '门锁状态' })
    await status.getByRole('button', { name: '读取' }).click()
    await expect(status.getByTestId('ble-read-value')).toContainText('A0 01 01')
    await expect(status.getByTestId('ble-read-value')).toContainText('门锁已开锁')
    // a bad hex value is refused before reaching the lock
    await command.getByTestId('ble-write-input').fill('0G')
    await command.getByRole('button', { name: '写入' }).click()
    await expect(panel.getByTestId('ble-panel-message')).toContainText('十六进制')
    // the lock's commands are offered by name, and the log says what each write meant
    const commands = command.getByTestId('ble-commands').getByRole('button')
    await expect(commands).toHaveText(['开锁 01', '上锁 02', '查询状态 03'])
    await commands.filter({ hasText: '上锁' }).click()
    await expect(panel.getByTestId('ble-panel-message')).toHaveText('已发送“上锁”（02）')
    await status.getByRole('button', { name: '读取' }).click()
    await expect(status.getByTestId('ble-read-value')).toContainText('门锁已上锁')
    await expect(page.locator('[data-testid="ble-log-entry"][data-kind="write"]').first()).toContainText('上锁命令')
    await page.screenshot({ path: '/tmp/shots-ble/bluetooth-lock.png', fullPage: true })
  })

  test('a device that drops the link is reported, and can be connected again', async ({ page }) => {
    await openConsole(page)
    await page.getByTestId('ble-scan').click()
    await device(page, HR).getByRole('button', { name: '连接' }).click()
    await expect(page.getByTestId('ble-panel')).toBeVisible()
    await page.evaluate((id) => (window as unknown as StubWindow).__upsdkStub.ble.disconnect(id), HR)
    await expect(page.getByTestId('ble-lost')).toHaveText('UP-HeartRate 已断开连接，可重新连接。')
    await expect(page.getByTestId('ble-panel')).toHaveCount(0)
    await device(page, HR).getByRole('button', { name: '连接' }).click()
    await expect(device(page, HR)).toContainText('已连接')
    await expect(page.getByTestId('ble-lost')).toHaveCount(0)
    // a disconnect the user asked for is not reported as a loss
    await device(page, HR).getByRole('button', { name: '断开' }).click()
    await expect(device(page, HR).getByRole('button', { name: '连接' })).toBeVisible()
    await expect(page.getByTestId('ble-lost')).toHaveCount(0)
  })

  test('switching Bluetooth off shows the guidance and the settings fix it', async ({ page }) => {
    await openConsole(page)
    await page.getByTestId('ble-scan').click()
    await device(page, LOCK).getByRole('button', { name: '连接' }).click()
    await expect(device(page, LOCK)).toContainText('已连接')
    await page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.ble.setAdapter(false))
    await expect(page.getByTestId('ble-off-guide')).toBeVisible()
    await expect(page.getByTestId('ble-status')).toHaveText('蓝牙已关闭')
    await expect(page.getByTestId('ble-scan')).toBeDisabled()
    await expect(device(page, HR).getByRole('button', { name: '连接' })).toBeDisabled()
    await page.screenshot({ path: '/tmp/shots-ble/bluetooth-off.png', fullPage: true })
    await page.getByTestId('ble-open-settings').click()
    await expect(page.getByTestId('ble-status')).toHaveText('蓝牙已就绪')
    await expect(page.getByTestId('ble-off-guide')).toHaveCount(0)
  })

  test('leaving the page stops scanning, disconnects and cancels every listener', async ({ page }) => {
    await openConsole(page)
    await page.getByTestId('ble-scan').click()
    await device(page, LOCK).getByRole('button', { name: '连接' }).click()
    await expect(device(page, LOCK)).toContainText('已连接')
    // navigate inside the SPA so the stub survives
    await page.evaluate(() => {
      history.pushState({}, '', '/')
      dispatchEvent(new PopStateEvent('popstate'))
    })
    await expect(page.getByTestId('ble-status')).toHaveCount(0)
    await expect
      .poll(() => page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.ble.state()))
      .toMatchObject({ connected: [], registrations: [], discovering: false })
  })
})

test('a failed config is explained on the console with 重试, which recovers', async ({ page }) => {
  let refused = false
  await page.route('**/api/upsdk/config', async (route) => {
    if (refused) return route.continue()
    refused = true
    await route.fulfill({
      status: 503,
      json: { error: { code: 'UPSTREAM_BUDGET', message: '调用云闪付的频率已达上限，请稍后再试' } },
    })
  })
  await page.goto('/bluetooth')
  await expect(page.getByTestId('ble-ready-error')).toContainText('请稍后再试')
  await page.getByTestId('ble-retry').click()
  await expect(page.getByTestId('ble-status')).toHaveText('蓝牙已就绪')
})

test.describe('an ordinary browser', () => {
  test.use({
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  })

  test('the console says to open it in 云闪付 at once, without hanging', async ({ page }) => {
    await page.goto('/bluetooth')
    await expect(page.getByTestId('ble-ready-error')).toContainText('请在云闪付 App 内打开')
    await expect(page.getByTestId('ble-retry')).toHaveCount(0)
    await expect(page.getByRole('link', { name: '返回首页' })).toBeVisible()
  })
})
