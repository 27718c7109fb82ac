import { spawn, type ChildProcess } from 'node:child_process'
import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-acp'
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}/${test.info().project.name}-${name}.png`, fullPage: true })

async function signPlan1(page: Page): Promise<void> {
  await page.goto('/contract')
  const plan = page.locator('[data-plan="PLAN0001"]')
  const open = plan.getByRole('link', { name: '开通无感支付' })
  const signed = plan.getByTestId('contract-status').filter({ hasText: '已开通' })
  // Wait until the page has decided (a slow page renders neither at first).
  await expect(open.or(signed)).toBeVisible()
  if (await open.isVisible()) {
    await open.click()
    await page.getByRole('button', { name: '同意签约' }).click()
    await expect(page).toHaveURL(/\/contract$/)
  }
  await expect(plan.getByTestId('contract-status')).toHaveText('已开通')
}

test.describe('全渠道: charging a signed 无感支付 contract', () => {
  test('the merchant charges the contract; the user sees the charge on the contract page', async ({ page }) => {
    await signPlan1(page)
    await page.getByTestId('merchant-link').click()
    await expect(page).toHaveURL(/\/merchant\/charge$/)
    const option = page.locator('.mc-contract', { hasText: 'PLAN0001' }).first()
    await expect(option.getByTestId('limits')).toContainText('单笔 ≤ ¥200.00 · 单日 ≤ ¥500.00')
    await option.click()
    await page.getByLabel('扣款金额（元）').fill('250')
    await expect(page.getByTestId('limit-warning')).toContainText('超过单笔限额 ¥200.00')
    await page.getByLabel('扣款金额（元）').fill('12.50')
    await shot(page, '1-merchant')
    await page.getByTestId('charge-submit').click()
    await expect(page.getByTestId('charge-result')).toContainText('¥12.50 · 扣款成功')
    await shot(page, '2-charged')

    await page.goto('/contract')
    const charge = page.getByTestId('charge').first()
    await expect(charge).toContainText('¥12.50')
    await expect(charge).toContainText('扣款成功')
    await shot(page, '3-user-sees-charge')

    // The merchant refunds part of it; the user sees the refund.
    await page.goto('/orders')
    const order = page.getByTestId('acp-order').filter({ hasText: '¥12.50' }).first()
    await order.getByLabel('退款金额（元）').fill('2.50')
    await order.getByRole('button', { name: '退款' }).click()
    await expect(page.getByRole('status').filter({ hasText: '已提交退款 ¥2.50' })).toBeVisible()
    await shot(page, '4-orders-refund')
    await page.goto('/contract')
    await expect(page.getByTestId('charge').first()).toContainText('退款 ¥2.50 · 已完成')
    await expect(page.getByTestId('charge').first()).toContainText('部分退款')
  })
})

test.describe('全渠道: upsdk.pay(tn) inside 云闪付', () => {
  test('a 全渠道 tn paid in the stub settles by the 全渠道 notification', async ({ page, request }) => {
    await page.goto('/pay')
    await page.waitForFunction(() =>
      Boolean((window as unknown as { __upsdkStub?: { pay?: unknown } }).__upsdkStub?.pay),
    )
    // The stub on main has no visible pay sheet yet: it is scripted to let the buyer pay.
    await page.evaluate(() =>
      (window as unknown as { __upsdkStub: { pay: { script(o: string): void } } }).__upsdkStub.pay.script('success'),
    )
    await page.getByTestId('pay-amount').fill('6.66')
    await expect(page.getByRole('radio', { name: /云闪付 App 内支付/ })).toBeChecked()
    await page.getByRole('button', { name: '去支付' }).click()
    await page.waitForURL(/\/pay\/result\?/)
    await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
    // settled by the 全渠道 notification: the page does not credit 银商 with it
    await expect(page.getByTestId('pay-result')).toContainText('商户已收到支付结果通知')
    const merOrderId = new URL(page.url()).searchParams.get('merOrderId') ?? ''
    const acp = (await (await request.get(`/api/acp/orders/${merOrderId}`)).json()) as {
      kind: string
      status: string
      events: { source: string; toStatus: string }[]
    }
    expect(acp).toMatchObject({ kind: 'tn', status: 'SUCCESS' })
    expect(acp.events.at(-1)).toMatchObject({ toStatus: 'SUCCESS', source: 'notify' })
    await shot(page, '5-tn-paid')
  })
})

test.describe('a deployment without 全渠道', () => {
  let bare: ChildProcess | undefined
  const barePort = Number(process.env.E2E_PORT ?? 8790) + 101
  const bareUrl = `http://127.0.0.1:${barePort}`

  test.beforeAll(async () => {
    bare = spawn(process.execPath, ['--import', 'tsx', 'scripts/e2e-bare-server.ts'], {
      env: {
        ...process.env,
        BARE_PORT: String(barePort),
        PLATFORM_BASE: `http://127.0.0.1:${process.env.E2E_PORT ?? 8790}`,
      },
      stdio: 'ignore',
    })
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${bareUrl}/healthz`)).ok) return
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('the bare server did not start')
  })
  test.afterAll(() => {
    bare?.kill('SIGTERM')
  })

  test('hides the in-app channel and contract charging', async ({ page }) => {
    await page.goto(`${bareUrl}/pay`)
    await expect(page.getByRole('radio', { name: /银联云闪付/ })).toBeChecked()
    await expect(page.getByRole('radio', { name: /云闪付 App 内支付/ })).toHaveCount(0)
    await shot(page, '6-bare-pay')
    await page.goto(`${bareUrl}/merchant/charge`)
    await expect(page.getByTestId('charging-unavailable')).toBeVisible()
  })
})
