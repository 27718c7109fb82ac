import { mkdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-nojump'
mkdirSync(SHOTS, { recursive: true })
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}/${test.info().project.name}-${name}.png`, fullPage: true })

test.describe('绑卡支付 (银联无跳转支付)', () => {
  test('bind a test card with an SMS code, pay without redirect, refund part, unbind', async ({ page }) => {
    page.on('dialog', (d) => void d.accept())
    await page.goto('/bindcard')
    await expect(page.getByRole('heading', { name: '绑卡支付' })).toBeVisible()
    await expect(page.getByTestId('bc-test-card').first()).toBeVisible()
    await page.getByTestId('bc-test-card').first().click()
    await expect(page.getByTestId('bc-pan')).toHaveValue('6226388000000095')
    await page.getByTestId('bc-open-sms').click()
    await expect(page.getByTestId('bc-open-sandbox-sms')).toContainText('沙箱短信')
    await shot(page, '1-open-sms')
    await page.getByTestId('bc-open-sandbox-sms').getByRole('button', { name: '填入' }).click()
    await page.getByTestId('bc-open-confirm').click()
    await expect(page.getByTestId('bc-notice')).toContainText('已开通 622638******0095')
    const card = page.getByTestId('bc-card').filter({ hasText: '622638******0095' })
    await expect(card).toBeVisible()
    // the page shows the masked number only
    await expect(page.locator('body')).not.toContainText('6226388000000095')
    await shot(page, '2-bound')

    await page.getByTestId('bc-amount').fill('12.34')
    await page.getByTestId('bc-pay-sms').click()
    await page.getByTestId('bc-pay-sandbox-sms').getByRole('button', { name: '填入' }).click()
    await page.getByTestId('bc-pay-confirm').click()
    await expect(page.getByTestId('bc-pay-result')).toContainText('支付成功')
    await shot(page, '3-paid')

    const paid = page.getByTestId('bc-payment').filter({ hasText: '¥12.34' }).first()
    await expect(paid.getByTestId('bc-payment-status')).toHaveText('支付成功')
    await paid.getByTestId('bc-refund-amount').fill('2.34')
    await paid.getByTestId('bc-refund').click()
    await expect(page.getByTestId('bc-notice')).toContainText('已提交退款 ¥2.34')
    await expect(paid.getByTestId('bc-refunded')).toContainText('已退款 ¥2.34')
    await expect(paid).toContainText('退款 ¥2.34：已完成')
    await shot(page, '4-refunded')

    await card.getByTestId('bc-unbind').click()
    await expect(page.getByTestId('bc-notice')).toContainText('已解绑')
    await expect(page.getByTestId('bc-card').filter({ hasText: '622638******0095' })).toHaveCount(0)
  })

  test('open on the bank page (front end) and come back bound', async ({ page }) => {
    await page.goto('/bindcard')
    await page.getByTestId('bc-front-open').click()
    await expect(page.getByTestId('bank-pan')).toBeVisible()
    await page.getByTestId('bank-pan').fill('6216261000000000018')
    await page.getByTestId('bank-phone').fill('13552535506')
    await page.getByTestId('bank-send-sms').click()
    const code = (await page.getByTestId('bank-sms-code').textContent()) ?? ''
    await shot(page, '5-bank-page')
    await page.getByTestId('bank-sms-input').fill(code)
    await page.getByTestId('bank-submit').click()
    await expect(page.getByTestId('bank-result')).toContainText('已开通 621626*********0018')
    await page.getByTestId('bank-return').click()
    await expect(page).toHaveURL(/\/bindcard\?binding=B\d+/)
    await expect(page.getByTestId('bc-notice')).toContainText('已开通 621626*********0018')
    await expect(page.getByTestId('bc-card').filter({ hasText: '621626*********0018' }).first()).toBeVisible()
    await shot(page, '6-front-bound')
  })
})
