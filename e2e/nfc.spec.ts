import { expect, test, type Page } from '@playwright/test'

const AID = 'F0010203040506'

interface HceHandle {
  setHceState(code: string): void
  reader: { select(aid: string): Promise<string>; exchange(apdu: string): Promise<string> }
  state(): { started: boolean; listening: boolean }
}
type StubWindow = { __upsdkStub: { hce: HceHandle } }

async function openNfc(page: Page) {
  await page.goto('/nfc')
  await expect(page.getByTestId('hce-code')).toContainText('0000')
}

test.describe('NFC (HCE) console', () => {
  test('starts card emulation and the simulated reader exchanges APDUs with the page', async ({ page }) => {
    await openNfc(page)
    await page.getByTestId('hce-toggle').click()
    await expect(page.getByTestId('hce-running')).toHaveText('运行中')
    // the reader taps once the page's onHCEMessage listener is registered
    await expect
      .poll(() => page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.hce.state().listening))
      .toBe(true)
    const select = await page.evaluate(
      (aid) => (window as unknown as StubWindow).__upsdkStub.hce.reader.select(aid),
      AID,
    )
    expect(select).toBe('9000')
    const balance = await page.evaluate(() =>
      (window as unknown as StubWindow).__upsdkStub.hce.reader.exchange('80CA9F7F00'),
    )
    expect(balance).toBe('000003E89000')
    const log = page.getByTestId('apdu-entry')
    await expect(log.filter({ hasText: '选择应用' })).toContainText(`00 A4 04 00 07 F0 01 02 03 04 05 06 00`)
    await expect(log.filter({ hasText: '余额 10.00 元' })).toContainText('00 00 03 E8 90 00')
    // the sandbox button does the same tap
    await page.getByTestId('hce-tap').click()
    await expect(log.filter({ hasText: '余额 10.00 元' })).toHaveCount(2)
    await page.screenshot({ path: '/tmp/shots-ble/nfc-running.png', fullPage: true })
    await page.getByTestId('hce-toggle').click()
    await expect(page.getByTestId('hce-running')).toHaveText('未开启')
    expect(await page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.hce.state().started)).toBe(false)
  })

  test('an unsupported device state shows its explanation and blocks starting', async ({ page }) => {
    await openNfc(page)
    await page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.hce.setHceState('1003'))
    await page.getByRole('button', { name: '重新检测' }).click()
    await expect(page.getByTestId('hce-code')).toContainText('1003')
    await expect(page.getByTestId('hce-explanation')).toContainText('不支持主机卡模拟（HCE）')
    await expect(page.getByTestId('hce-open-settings')).toHaveCount(0)
    await expect(page.getByTestId('hce-toggle')).toBeDisabled()
    await page.screenshot({ path: '/tmp/shots-ble/nfc-1003.png', fullPage: true })
  })

  test('NFC switched off (1002): the page offers the NFC settings and recovers', async ({ page }) => {
    await openNfc(page)
    await page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.hce.setHceState('1002'))
    await page.getByRole('button', { name: '重新检测' }).click()
    await expect(page.getByTestId('hce-explanation')).toContainText('NFC 开关没有打开')
    await page.screenshot({ path: '/tmp/shots-ble/nfc-1002.png', fullPage: true })
    await page.getByTestId('hce-open-settings').click()
    await expect(page.getByTestId('hce-code')).toContainText('0000')
    await expect(page.getByTestId('hce-toggle')).toBeEnabled()
  })

  test('leaving the page stops card emulation', async ({ page }) => {
    await openNfc(page)
    await page.getByTestId('hce-toggle').click()
    await expect(page.getByTestId('hce-running')).toHaveText('运行中')
    await page.evaluate(() => {
      history.pushState({}, '', '/')
      dispatchEvent(new PopStateEvent('popstate'))
    })
    await expect(page.getByTestId('hce-state')).toHaveCount(0)
    await expect
      .poll(() => page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.hce.state().started))
      .toBe(false)
  })

  test('a bad AID list is refused before startHCE', async ({ page }) => {
    await openNfc(page)
    await page.getByTestId('hce-aids').fill('F001,XYZ')
    await expect(page.getByTestId('hce-aid-error')).toContainText('AID 格式不正确')
    // the hint names the AID that is wrong
    await expect(page.getByTestId('hce-aid-error')).toContainText('“F001”')
    await expect(page.getByTestId('hce-toggle')).toBeDisabled()
  })
})

test.describe('an ordinary browser', () => {
  test.use({
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  })

  test('the NFC page says to open it in 云闪付 at once, without hanging', async ({ page }) => {
    await page.goto('/nfc')
    await expect(page.getByTestId('hce-ready-error')).toContainText('请在云闪付 App 内打开')
    await expect(page.getByTestId('hce-retry')).toHaveCount(0)
  })
})
