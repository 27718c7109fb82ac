import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'

/** The demo as a developer and a buyer live with it (issue 14): honest errors, no dead ends, tools in reach. */
const SHOTS = '/tmp/shots-ux'
const shot = (page: Page, name: string, project: string) =>
  page.screenshot({ path: `${SHOTS}/${name}-${project}.png`, fullPage: true })

const badSignature = (page: Page) =>
  page.route('**/api/upsdk/config', async (route) => {
    const response = await route.fetch()
    const json = (await response.json()) as Record<string, string>
    await route.fulfill({ response, json: { ...json, signature: '0'.repeat(64) } })
  })

/** The next pay sheet answers `outcome` (the stub's simulated 云闪付 pay control). */
async function nextPaySheet(page: Page, outcome: 'success' | 'cancel') {
  await page.waitForFunction(() => Boolean((window as unknown as { __upsdkStub?: { pay?: unknown } }).__upsdkStub?.pay))
  await page.evaluate(
    (o) => (window as unknown as { __upsdkStub: { pay: { script(o: string): void } } }).__upsdkStub.pay.script(o),
    outcome,
  )
}

test('in-app pay is refused while upsdk is not ready: the real reason, no order, no "you cancelled"', async ({
  page,
}, info) => {
  const tnRequests: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/api/pay/tn')) tnRequests.push(r.url())
  })
  await badSignature(page)
  await page.goto('/pay')
  await expect(page.getByRole('radio', { name: /云闪付 App 内支付/ })).toBeChecked()
  await page.getByRole('button', { name: '去支付' }).click()
  const problem = page.getByTestId('pay-sdk-problem')
  await expect(problem).toContainText('暂不可用，未创建订单')
  await expect(problem).toContainText('c01')
  await expect(problem).not.toContainText('取消')
  expect(tnRequests).toEqual([])
  await expect(page).toHaveURL(/\/pay$/)
  await shot(page, 'pay-refused-not-ready', info.project.name)

  // once upsdk recovers, the same button pays
  await page.unroute('**/api/upsdk/config')
  await nextPaySheet(page, 'success')
  await page.getByRole('button', { name: '去支付' }).click()
  await page.waitForURL(/\/pay\/result\?/)
  await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
  expect(tnRequests).toHaveLength(1)
})

test('a pay sheet that is cancelled quotes upsdk, never claims the buyer cancelled', async ({ page }, info) => {
  await page.goto('/pay')
  await nextPaySheet(page, 'cancel')
  await page.getByRole('button', { name: '去支付' }).click()
  await page.waitForURL(/\/pay\/result\?/)
  await expect(page.getByTestId('pay-result-title')).toHaveText('未完成支付')
  await expect(page.getByTestId('pay-result')).toContainText('云闪付返回')
  await expect(page.getByTestId('pay-result')).not.toContainText('您已取消')
  await shot(page, 'pay-result-unpaid', info.project.name)
})

/** Pays (or cancels) an order through the sandbox 银商 cashier and returns its merOrderId. */
async function cashierOrder(page: Page, amount: string, button: '确认支付' | '取消支付'): Promise<string> {
  await page.goto('/pay')
  await page.getByTestId('pay-amount').fill(amount)
  await page.getByText('银联在线无卡', { exact: true }).click()
  await page.getByRole('button', { name: '去支付' }).click()
  await page.waitForURL(/\/sandbox\/chinaums\/v1\/netpay\//)
  await page.getByRole('button', { name: new RegExp(button) }).click()
  await page.waitForURL(/\/pay\/result\?/)
  return new URL(page.url()).searchParams.get('merOrderId') ?? ''
}

test('a double tap on 确认退款 refunds once, the card keeps its height, the outcome is in the card', async ({
  page,
}, info) => {
  const merOrderId = await cashierOrder(page, '6', '确认支付')
  await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
  const refunds: string[] = []
  await page.route('**/api/pay/orders/*/refund', async (route) => {
    refunds.push(route.request().url())
    await new Promise((r) => setTimeout(r, 1200)) // a slow gateway: the second tap lands while busy
    await route.continue()
  })
  await page.goto('/orders')
  const card = page.locator(`[data-order="${merOrderId}"]`)
  await card.getByTestId('refund').click()
  await card.getByTestId('refund-amount').fill('1')
  const before = (await card.boundingBox())?.height ?? 0
  await card.getByTestId('refund-confirm').dblclick()
  await expect(card.getByTestId('order-busy')).toBeVisible()
  const busyHeight = (await card.boundingBox())?.height ?? 0
  expect(busyHeight).toBeGreaterThanOrEqual(before)
  await shot(page, 'refund-busy', info.project.name)
  await expect(card.getByTestId('order-outcome')).toHaveText('已退款 ¥1.00')
  await expect(page).toHaveURL(/\/orders$/)
  expect(refunds).toHaveLength(1)
  await shot(page, 'refund-outcome', info.project.name)
})

test('关闭订单 asks first, then shows the outcome in the card', async ({ page }, info) => {
  const merOrderId = await cashierOrder(page, '2', '取消支付')
  await page.goto('/orders')
  const card = page.locator(`[data-order="${merOrderId}"]`)
  await card.getByTestId('close').click()
  await expect(card).toContainText('确认关闭？')
  await shot(page, 'close-confirm', info.project.name)
  await card.getByRole('button', { name: '不关闭' }).click()
  await expect(card.getByTestId('order-status')).not.toHaveText('已关闭')
  await card.getByTestId('close').click()
  await card.getByTestId('close-confirm').click()
  await expect(card.getByTestId('order-outcome')).toHaveText('订单已关闭')
})

test('/orders with the server unreachable says so instead of asking for ADMIN_TOKEN', async ({ page }, info) => {
  await page.route('**/api/pay/admin', (route) => route.abort('connectionrefused'))
  await page.goto('/orders')
  await expect(page.getByTestId('orders-error')).toContainText('无法连接商户服务器')
  await expect(page.getByLabel(/ADMIN_TOKEN/)).toHaveCount(0)
  await shot(page, 'orders-unreachable', info.project.name)
  await page.unroute('**/api/pay/admin')
  await page.getByRole('button', { name: '刷新' }).click()
  await expect(page.getByTestId('orders-error')).toHaveCount(0)
})

test('an unknown path shows 404 with 返回首页', async ({ page }, info) => {
  await page.goto('/no/such/page')
  await expect(page.getByTestId('not-found')).toContainText('页面不存在')
  await expect(page.getByTestId('not-found')).toContainText('/no/such/page')
  await shot(page, 'not-found', info.project.name)
  await page.getByTestId('not-found-home').click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('upkit')
})

test('a page whose code fails to load offers 重试, which loads it once the network is back', async ({ page }, info) => {
  await page.goto('/')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  await page.route(/\/assets\/OrdersView-[^/]*\.js$/, (route) => route.abort('internetdisconnected'))
  await page.getByTestId('nav-orders').click()
  await expect(page.getByTestId('route-error')).toContainText('页面加载失败')
  await expect(page).toHaveURL(/\/$/)
  await shot(page, 'route-error', info.project.name)
  await page.unroute(/\/assets\/OrdersView-[^/]*\.js$/)
  await page.getByTestId('route-retry').click()
  await expect(page).toHaveURL(/\/orders$/)
  await expect(page.getByRole('heading', { name: '订单', exact: true })).toBeVisible()
})

test('every page but home has a way home; the sandbox badge is visible', async ({ page }) => {
  for (const path of ['/login', '/contract', '/pay', '/orders', '/bluetooth', '/nfc', '/pay/result?merOrderId=x']) {
    await page.goto(path)
    await expect(page.getByTestId('sandbox-badge')).toHaveText('沙箱 · upsdk 桩')
    await page.getByTestId('nav-home').click()
    await expect(page).toHaveURL(/\/$/)
  }
  await expect(page.getByTestId('nav-home')).toHaveCount(0)
})

test.describe('slow 3G with a 4× slower CPU', () => {
  test('the loading shell paints before the app, and a page shows progress while its code loads', async ({
    page,
  }, info) => {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 400,
      downloadThroughput: (400 * 1024) / 8,
      uploadThroughput: (400 * 1024) / 8,
    })
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 })
    await page.goto('/', { waitUntil: 'commit' })
    await expect(page.getByTestId('loading-shell')).toBeVisible()
    await shot(page, 'slow-shell', info.project.name)
    await expect(page.getByTestId('loading-shell')).toBeHidden({ timeout: 25_000 })
    await expect(page.getByRole('heading', { level: 1 })).toContainText('upkit')
    await page.getByTestId('nav-bluetooth').click()
    await expect(page.getByTestId('route-progress')).toBeVisible()
    await shot(page, 'slow-route-progress', info.project.name)
    await expect(page).toHaveURL(/\/bluetooth$/, { timeout: 20_000 })
    await expect(page.getByTestId('route-progress')).toBeHidden({ timeout: 20_000 })
  })
})

test("the debug console: off by default, ?debug=1 opens eruda with the kit's upsdk log, ?debug=0 closes it", async ({
  page,
}, info) => {
  await page.goto('/')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  await expect(page.locator('#eruda')).toHaveCount(0)

  const csp: string[] = []
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) csp.push(m.text())
  })
  await page.goto('/?debug=1')
  await expect(page.locator('#eruda')).toHaveCount(1)
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  // styled although the page's CSP refuses inline <style>: eruda's sheets are adopted through CSSOM
  const entry = page.locator('#eruda .eruda-entry-btn')
  await expect(entry).toHaveCSS('border-radius', /px/)
  await entry.click()
  await expect(page.locator('#eruda .eruda-dev-tools')).toBeVisible()
  await shot(page, 'debug-console-open', info.project.name)
  // the CSP stays as tight as before: eruda's inline <style>, data: icon fonts and an inline event handler
  // (touch devices) are refused — styles mirrored, the rest done without; nothing else is refused
  const erudaOnly = [/inline style/, /Loading the font 'data:/, /inline event handler/]
  expect(csp.filter((m) => !erudaOnly.some((re) => re.test(m)))).toEqual([])
  // the choice holds for the tab
  await page.goto('/pay')
  await expect(page.locator('#eruda')).toHaveCount(1)
  await page.goto('/?debug=0')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  await expect(page.locator('#eruda')).toHaveCount(0)
  await shot(page, 'debug-off', info.project.name)
})

test('the 沙箱工具 card: console link, debug toggle, and the upsdk calls in the eruda console', async ({
  page,
}, info) => {
  const messages: string[] = []
  page.on('console', (m) => messages.push(m.text()))
  await page.goto('/')
  await expect(page.getByTestId('sdk-status')).toHaveAttribute('data-status', 'ready')
  const tools = page.getByTestId('sandbox-tools')
  await expect(tools).toContainText('沙箱控制台')
  await expect(page.getByTestId('tool-revoke')).toBeDisabled()
  await page.getByTestId('tool-debug').click()
  await expect(page.getByTestId('tool-debug')).toHaveText(/调试控制台已开启/)
  await expect(page.locator('#eruda')).toHaveCount(1)
  // a plugin call after the console started is logged with its answer
  await page.getByTestId('nav-pay').click()
  await nextPaySheet(page, 'success')
  await page.getByRole('button', { name: '去支付' }).click()
  await page.waitForURL(/\/pay\/result\?/)
  expect(messages.some((m) => m.startsWith('[upsdk] pay →'))).toBe(true)
  expect(messages.some((m) => m.startsWith('[upsdk] pay ✓'))).toBe(true)
  expect(messages.join('\n')).not.toMatch(/"tn":"\d{6,}/)
  await page.goto('/')
  await tools.scrollIntoViewIfNeeded()
  await shot(page, 'sandbox-tools', info.project.name)
  await page.getByTestId('tool-console').click()
  await expect(page).toHaveURL(/\/sandbox\/$/)
})

test('退出登录 leaves a notice', async ({ page }, info) => {
  await page.goto('/profile')
  await page.waitForURL('**/profile')
  await expect(page.getByTestId('profile-openid')).not.toBeEmpty()
  await page.getByTestId('profile-logout').click()
  await expect(page.getByTestId('flash')).toHaveText('已退出登录')
  await shot(page, 'logout-notice', info.project.name)
})

test("沙箱工具 · 撤销授权 ends the session through the platform's notification", async ({ page }, info) => {
  await page.goto('/profile')
  await page.waitForURL('**/profile')
  await expect(page.getByTestId('profile-openid')).not.toBeEmpty()
  await page.getByTestId('nav-home').click()
  await page.getByTestId('tool-revoke').click()
  await expect(page.getByTestId('tool-notice')).toContainText('会话已结束')
  await shot(page, 'sandbox-revoke', info.project.name)
  const me = await page.request.get('/api/me')
  expect(me.status()).toBe(401)
})

test.describe('outside 云闪付 on a wide screen', () => {
  test.use({
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36',
    viewport: { width: 1200, height: 900 },
    isMobile: false,
    hasTouch: false,
  })
  test('shows a QR code of the page to scan with 云闪付', async ({ page }, info) => {
    await page.goto('/')
    await expect(page.getByTestId('outside-app')).toBeVisible()
    await expect(page.getByTestId('qr-code')).toBeVisible()
    await shot(page, 'outside-qr', info.project.name)
  })
})

test.describe('accessibility (axe: contrast, names)', () => {
  for (const path of [
    '/',
    '/login',
    '/contract',
    '/pay',
    '/orders',
    '/bluetooth',
    '/nfc',
    '/pay/result?merOrderId=none',
    '/nope',
  ]) {
    test(`axe finds no serious problem on ${path}`, async ({ page }) => {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
      expect(serious).toEqual([])
    })
  }
})

test.describe('the sandbox platform pages are left with location.replace', () => {
  test('back from the result page goes to the cashier form, not the consumed 银商 cashier; a double tap pays once', async ({
    page,
  }, info) => {
    const posts: string[] = []
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/cashier/pay')) posts.push(r.url())
    })
    await page.goto('/pay')
    await page.getByTestId('pay-amount').fill('3')
    await page.getByText('银联在线无卡', { exact: true }).click()
    await page.getByRole('button', { name: '去支付' }).click()
    await page.waitForURL(/\/sandbox\/chinaums\/v1\/netpay\//)
    await page.getByRole('button', { name: /确认支付/ }).dblclick()
    await page.waitForURL(/\/pay\/result\?/)
    await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
    expect(posts).toHaveLength(1)
    await page.goBack()
    await expect(page).toHaveURL(/\/pay$/)
    await expect(page.getByRole('heading', { name: '收银台' })).toBeVisible()
    await shot(page, 'back-from-result', info.project.name)
  })

  test('back from the profile after the consent page goes to the login page', async ({ page }) => {
    await page.goto('/login')
    await page.getByTestId('login-upapi_mobile').click()
    await page.waitForURL(/oauth\.html\?/)
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    await page.goBack()
    await expect(page).toHaveURL(/\/login$/)
  })

  test('back from the contract page after signing does not show the sign page again', async ({ page }) => {
    await page.goto('/contract')
    await page.locator('[data-plan="PLAN0001"]').getByRole('link', { name: '开通无感支付' }).click()
    await page.waitForURL(/noPwd\/html\/open\.html\?/)
    await page.getByRole('button', { name: '同意签约' }).click()
    await expect(page).toHaveURL(/\/contract$/)
    await expect(page.locator('[data-plan="PLAN0001"]').getByTestId('contract-status')).toHaveText('已开通')
    await page.goBack()
    await expect(page).not.toHaveURL(/open\.html/)
  })
})

test('opened on localhost while PUBLIC_BASE_URL is 127.0.0.1: the login says the hosts differ', async ({
  page,
  baseURL,
}, info) => {
  const onLocalhost = (baseURL ?? '').replace('127.0.0.1', 'localhost')
  await page.goto(`${onLocalhost}/login`)
  await page.getByTestId('login-upapi_base').click()
  await expect(page.getByTestId('oauth-error-code')).toHaveText('HOST_MISMATCH')
  await expect(page.getByTestId('oauth-error-message')).toContainText('不是攻击')
  await expect(page.getByTestId('oauth-error-message')).toContainText(new URL(onLocalhost).host)
  await expect(page.getByTestId('oauth-error-message')).not.toContainText('不是从当前浏览器发起的')
  await shot(page, 'login-host-mismatch', info.project.name)
  await page.getByTestId('oauth-retry').click()
  await expect(page).toHaveURL(new RegExp(`^${baseURL}/login\\?redirect=`))
  await expect(page.getByTestId('login-upapi_base')).toBeVisible()
})

test('查看手机号 with a base login offers to authorise at once and shows the number on return', async ({
  page,
}, info) => {
  await page.goto('/profile')
  await page.waitForURL('**/profile')
  await expect(page.getByTestId('profile-scope')).toHaveText('基础授权（openId）')
  await expect(page.getByTestId('profile-mobile-load')).toHaveCount(0)
  await shot(page, 'profile-authorize-offer', info.project.name)
  await page.getByTestId('profile-mobile-authorize').click()
  await page.waitForURL(/oauth\.html\?.*scope=upapi_mobile/)
  await page.getByRole('button', { name: '同意', exact: true }).click()
  await expect(page.getByTestId('profile-mobile-value')).toHaveText('138****5678')
  await expect(page.getByTestId('profile-mobile-error')).toHaveCount(0)
  await expect(page).toHaveURL(/\/profile$/)
  await shot(page, 'profile-mobile-after-return', info.project.name)
})

test('a user without a mobile number reads it in plain words, the codes in small print', async ({ page }, info) => {
  await page.goto('/login')
  await page.getByTestId('login-upapi_mobile').click()
  await page.getByTestId('sandbox-user').selectOption('1')
  await page.getByRole('button', { name: '同意', exact: true }).click()
  await page.waitForURL('**/profile')
  await page.getByTestId('profile-mobile-load').click()
  const error = page.getByTestId('profile-mobile-error')
  await expect(error.locator('.up-error')).toHaveText('这个云闪付账号没有手机号。')
  await expect(error.locator('.up-code')).toContainText('NO_MOBILE')
  await expect(error.locator('.up-error')).not.toContainText(/N621|upapi_/)
  await shot(page, 'profile-no-mobile', info.project.name)
})

test('an amount out of range says so, not that the format is wrong', async ({ page }) => {
  await page.goto('/pay')
  const amount = page.getByTestId('pay-amount')
  await amount.fill('12345678')
  await amount.blur()
  await expect(page.getByRole('alert')).toHaveText(/金额超出范围/)
  await amount.fill('1.234')
  await expect(page.getByRole('alert')).toHaveText(/两位小数/)
})

test('the result page of an unknown order says so at once and stops asking', async ({ page }, info) => {
  const asked: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/api/pay/orders/')) asked.push(r.url())
  })
  await page.goto('/pay/result?merOrderId=UPKnosuchorder1')
  await expect(page.getByTestId('pay-result-title')).toHaveText('查不到这笔订单')
  await expect(page.getByTestId('pay-result-code')).toHaveText('错误码 NO_ORDER')
  await expect(page.getByRole('button', { name: '刷新结果' })).toHaveCount(0)
  await shot(page, 'result-unknown-order', info.project.name)
  await page.waitForTimeout(2500) // longer than the polling interval: no second request
  expect(asked).toHaveLength(1)
})

test('a reload in the middle of an in-app payment remembers the order and resumes the result check', async ({
  page,
}, info) => {
  await page.goto('/pay')
  await expect(page.getByTestId('pay-earlier')).toHaveCount(0)
  const created = page.waitForResponse((r) => r.url().endsWith('/api/pay/tn') && r.ok())
  await page.getByRole('button', { name: '去支付' }).click()
  const { orderId } = (await (await created).json()) as { orderId: string }
  await expect(page.getByText('请在云闪付支付控件中完成支付')).toBeVisible()
  await page.reload()
  const earlier = page.getByTestId('pay-earlier')
  await expect(earlier).toContainText(orderId)
  await expect(page.getByTestId('pay-earlier-status')).toContainText('尚未收到支付结果')
  await shot(page, 'pay-reloaded', info.project.name)
  await page.getByTestId('pay-earlier-result').click()
  await expect(page).toHaveURL(new RegExp(`/pay/result\\?merOrderId=${orderId}`))
  await expect(page.getByTestId('pay-result-title')).toHaveText('支付结果确认中')
  // still unknown, so /pay keeps offering it until dismissed
  await page.goto('/pay')
  await expect(page.getByTestId('pay-earlier')).toContainText(orderId)
  await page.getByTestId('pay-earlier-dismiss').click()
  await expect(page.getByTestId('pay-earlier')).toHaveCount(0)
  await page.reload()
  await expect(page.getByRole('heading', { name: '收银台' })).toBeVisible()
  await expect(page.getByTestId('pay-earlier')).toHaveCount(0)
})

test.describe('in another time zone', () => {
  test.use({ timezoneId: 'America/New_York' })
  test('times are Beijing time and say so', async ({ page }) => {
    await cashierOrder(page, '4', '确认支付')
    const before = Date.now()
    await page.goto('/orders')
    const time = page
      .getByTestId('order-card')
      .first()
      .getByText(/北京时间/)
    await expect(time).toBeVisible()
    const shown = (await time.textContent()) ?? ''
    const beijingNow = new Date(before + 8 * 3600_000).toISOString().slice(0, 10)
    expect(shown).toContain(beijingNow)
    await page.goto('/profile')
    await expect(page.getByText(/至 \d{2}:\d{2} 北京时间/)).toBeVisible()
  })
})

test('the sandbox console shows all three platforms with headers, failures, auto-refresh, at 360 px', async ({
  page,
}, info) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await cashierOrder(page, '5', '确认支付')
  await page.goto('/pay')
  await nextPaySheet(page, 'success')
  await page.getByRole('button', { name: '去支付' }).click()
  await page.waitForURL(/\/pay\/result\?/)
  // a call the 银商 gateway refuses (no OPEN-BODY-SIG): its message must be shown
  await page.request.post('/sandbox/chinaums/v1/netpay/query', { data: {} })
  const res = await page.goto('/sandbox/')
  expect(res?.headers().refresh).toBe('5')
  await expect(page.locator('[data-testid="traffic"][data-platform="chinaums"]').first()).toBeVisible()
  await expect(page.locator('[data-testid="traffic"][data-platform="acp"]').first()).toBeVisible()
  const refused = page.locator('[data-testid="traffic"][data-platform="chinaums"][data-ok="false"]').first()
  await expect(refused.getByTestId('traffic-message')).not.toBeEmpty()
  await refused.locator('summary').click()
  await expect(refused.locator('dt').first()).toBeVisible()
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
  await shot(page, 'sandbox-console', info.project.name)
  await page.getByRole('link', { name: '银商' }).click()
  await expect(page.locator('[data-testid="traffic"]:not([data-platform="chinaums"])')).toHaveCount(0)
  await page.getByTestId('refresh-toggle').click()
  await expect(page.getByTestId('refresh-toggle')).toContainText('已暂停')
  await expect(page).toHaveURL(/refresh=0/)
})
