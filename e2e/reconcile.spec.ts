import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-reconcile'
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}/${test.info().project.name}-${name}.png`, fullPage: true })

/**
 * A closed settle day (Beijing, 23:00 cut-off) per device project, so each runs a day of its own;
 * never the last closed one, which the server's acp-reconcile job reconciles a minute after start.
 */
function closedDay(daysBack: number): string {
  const b = new Date(Date.now() + 8 * 3600_000)
  if (b.getUTCHours() < 23) b.setUTCDate(b.getUTCDate() - 1)
  b.setUTCDate(b.getUTCDate() - daysBack)
  return b.toISOString().slice(0, 10)
}

test.describe('全渠道 reconciliation: the merchant view', () => {
  test('runs a settle day, shows the planted difference, and a second run changes nothing', async ({
    page,
    request,
  }, info) => {
    const day = closedDay(info.project.name.startsWith('iphone') ? 2 : 1)
    const orderId = `E2E${Date.now()}${info.workerIndex}`
    // The sandbox's file lists a consume this merchant never sent (a planted "missing locally").
    const plant = await request.post('/sandbox/acp/__control/file', {
      data: { plant: { orderId, txnAmt: 1234, settleDate: day.replaceAll('-', '') } },
    })
    expect(plant.ok()).toBe(true)

    await page.goto('/orders')
    await page.getByTestId('reconcile-link').click()
    await expect(page).toHaveURL(/\/merchant\/reconcile$/)
    await page.getByTestId('settle-date').fill(day)
    await page.getByTestId('reconcile-run').click()
    await expect(page.getByTestId('reconcile-notice')).toContainText(`${day} 对账完成`)
    await expect(page.getByTestId('verdict')).toHaveText('有 1 笔差异，请核查')
    const row = page.getByTestId('mismatches').getByTestId('finding').filter({ hasText: orderId })
    await expect(row).toContainText('本地无此订单')
    await expect(row).toContainText('¥12.34')
    await expect(row).toContainText(/\d{6}\*+\d{4}/)
    await shot(page, '1-reconciled')

    await page.getByTestId('reconcile-run').click()
    await expect(page.getByTestId('reconcile-notice')).toContainText('已对过账')
    await expect(page.getByTestId('verdict')).toHaveText('有 1 笔差异，请核查')
  })
})
