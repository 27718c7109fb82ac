import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-pay'

async function openCashier(page: Page, amount: string, channelName: string) {
  await page.goto('/pay')
  await page.getByTestId('pay-amount').fill(amount)
  await page.getByText(channelName, { exact: true }).click()
  await page.getByRole('button', { name: '去支付' }).click()
  await page.waitForURL(/\/sandbox\/chinaums\/v1\/netpay\//)
}

test.describe('银商 H5 pay through the sandbox cashier', () => {
  test('pay → return page → result page reflecting the notify', async ({ page }, info) => {
    await page.goto('/pay')
    await page.screenshot({ path: `${SHOTS}/pay-${info.project.name}.png`, fullPage: true })
    await openCashier(page, '12.34', '银联云闪付')
    expect(new URL(page.url()).pathname).toBe('/sandbox/chinaums/v1/netpay/uac/order')
    await expect(page.getByTestId('cashier-amount')).toContainText('12.34')
    await page.screenshot({ path: `${SHOTS}/cashier-${info.project.name}.png`, fullPage: true })
    await page.getByRole('button', { name: /确认支付/ }).click()
    await page.waitForURL(/\/pay\/result\?merOrderId=\w+&back=paid/)
    await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
    await expect(page.getByTestId('pay-result')).toHaveAttribute('data-status', 'TRADE_SUCCESS')
    await expect(page.getByTestId('pay-result')).toContainText('¥12.34')
    await expect(page.getByTestId('pay-result')).toContainText('商户已收到银商的支付结果通知')
    await page.screenshot({ path: `${SHOTS}/result-success-${info.project.name}.png`, fullPage: true })
  })

  test('cancel at the cashier → not paid', async ({ page }, info) => {
    await openCashier(page, '3', '支付宝')
    expect(new URL(page.url()).pathname).toBe('/sandbox/chinaums/v1/netpay/trade/h5-pay')
    await page.getByRole('button', { name: '取消支付' }).click()
    await page.waitForURL(/\/pay\/result\?merOrderId=\w+&back=unpaid/)
    await expect(page.getByTestId('pay-result-title')).toHaveText('未完成支付')
    await expect(page.getByRole('link', { name: '重新支付' })).toBeVisible()
    await page.screenshot({ path: `${SHOTS}/result-cancel-${info.project.name}.png`, fullPage: true })
  })

  test('a forged return URL claiming success changes nothing: the page shows the stored state', async ({
    page,
    request,
  }) => {
    const r = await request.post('/api/pay/chinaums/orders', { data: { amount: 500, channel: 'uac' } })
    const { merOrderId } = (await r.json()) as { merOrderId: string }
    await page.goto(
      `/pay/return?merOrderId=${merOrderId}&status=TRADE_SUCCESS&totalAmount=500&sign=0123456789ABCDEF0123456789ABCDEF`,
    )
    await page.waitForURL(/\/pay\/result\?merOrderId=\w+&back=invalid/)
    await expect(page.getByRole('alert')).toContainText('签名校验失败')
    await expect(page.getByTestId('pay-result-title')).toHaveText('支付结果确认中')
    await expect(page.getByTestId('pay-result')).toHaveAttribute('data-status', 'NEW_ORDER')
  })

  test('a bad amount is explained, nothing is sent', async ({ page }) => {
    await page.goto('/pay')
    await page.getByTestId('pay-amount').fill('1.234')
    await page.getByRole('button', { name: '去支付' }).click()
    await expect(page.getByRole('alert')).toContainText('最多两位小数')
    await expect(page).toHaveURL(/\/pay$/)
  })
})

test.describe('upsdk.pay(tn) inside 云闪付', () => {
  async function payByTn(page: Page, outcome: 'success' | 'cancel', amount: string) {
    await page.goto('/pay')
    await page.waitForFunction(() =>
      Boolean((window as unknown as { __upsdkStub?: { pay?: unknown } }).__upsdkStub?.pay),
    )
    await page.evaluate(
      (o) => (window as unknown as { __upsdkStub: { pay: { script(o: string): void } } }).__upsdkStub.pay.script(o),
      outcome,
    )
    await page.getByTestId('pay-amount').fill(amount)
    await expect(page.getByRole('radio', { name: /云闪付 App 内支付/ })).toBeChecked()
    await page.getByRole('button', { name: '去支付' }).click()
    await page.waitForURL(/\/pay\/result\?/)
  }

  test('the stub answers success → the server confirms the payment', async ({ page }, info) => {
    await payByTn(page, 'success', '8.88')
    await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
    await expect(page.getByTestId('pay-result')).toContainText('¥8.88')
    await page.screenshot({ path: `${SHOTS}/tn-success-${info.project.name}.png`, fullPage: true })
  })

  test('the stub answers cancel → the server still says unpaid', async ({ page }) => {
    await payByTn(page, 'cancel', '2')
    await expect(page.getByTestId('pay-result-title')).toHaveText('未完成支付')
  })
})

test('the demo merchant refunds part of a paid order', async ({ page }, info) => {
  await openCashier(page, '10', '银联在线无卡')
  await page.getByRole('button', { name: /确认支付/ }).click()
  await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
  const merOrderId = new URL(page.url()).searchParams.get('merOrderId') ?? ''
  await page.getByRole('link', { name: '查看订单' }).click()
  const card = page.locator(`[data-order="${merOrderId}"]`)
  await expect(card.getByTestId('order-status')).toHaveText('支付成功')
  await card.getByTestId('refund').click()
  await card.getByTestId('refund-amount').fill('4')
  await card.getByTestId('refund-confirm').click()
  await expect(card.getByTestId('order-outcome')).toHaveText('已退款 ¥4.00')
  await expect(card.getByTestId('order-status')).toHaveText('已退款（部分）')
  await expect(card).toContainText('已退款 ¥4.00')
  await page.screenshot({ path: `${SHOTS}/orders-${info.project.name}.png`, fullPage: true })
})

test('the demo merchant completes one 担保 order and cancels another', async ({ page }, info) => {
  async function securePaid(amount: number) {
    const r = await page.request.post('/api/pay/chinaums/orders', {
      data: { amount, channel: 'uac', secureTransaction: true },
    })
    expect(r.ok()).toBe(true)
    const { merOrderId, redirectUrl } = (await r.json()) as { merOrderId: string; redirectUrl: string }
    await page.goto(redirectUrl)
    await page.getByRole('button', { name: /确认支付/ }).click()
    await expect(page.getByTestId('pay-result-title')).toHaveText('支付成功')
    return merOrderId
  }
  const first = await securePaid(1000)
  const second = await securePaid(500)
  await page.goto('/orders')
  const card = page.locator(`[data-order="${first}"]`)
  await expect(card.getByTestId('secure-status')).toContainText('担保未完成')
  await expect(card.getByTestId('refund')).toHaveCount(0) // seed 2.3: no refund before completion
  await page.screenshot({ path: `${SHOTS}/orders-secure-${info.project.name}.png`, fullPage: true })
  await card.getByTestId('secure-complete').click()
  await card.getByTestId('complete-amount').fill('6')
  await card.getByTestId('complete-confirm').click()
  await expect(card.getByTestId('order-outcome')).toHaveText('担保已完成：¥6.00 结算给商户')
  await expect(card.getByTestId('secure-status')).toContainText('担保已部分完成：¥6.00 结算给商户')
  await expect(card.getByTestId('refund')).toBeVisible()

  const other = page.locator(`[data-order="${second}"]`)
  await other.getByTestId('secure-cancel').click()
  await expect(other).toContainText('¥5.00 将全部退还买家')
  await other.getByTestId('secure-cancel-confirm').click()
  await expect(other.getByTestId('order-outcome')).toHaveText('担保已撤销，全部退还买家')
  await expect(other.getByTestId('order-status')).toHaveText('已关闭')
  await expect(other.getByTestId('secure-status')).toHaveText('担保已撤销，全部退还买家')
  await page.screenshot({ path: `${SHOTS}/orders-secure-done-${info.project.name}.png`, fullPage: true })
})
