import { mkdirSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Locator, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-preauth'
mkdirSync(SHOTS, { recursive: true })
/** The whole page, and the 预授权 section alone (readable at full size). */
async function shot(page: Page, name: string): Promise<void> {
  const path = `${SHOTS}/${test.info().project.name}-${name}`
  await page.screenshot({ path: `${path}.png`, fullPage: true })
  await page.getByTestId('preauth').screenshot({ path: `${path}-section.png` })
}

/** One sandbox user drives both device projects against one server: each project holds its own amounts. */
const yuan = (base: number) => (base + (test.info().project.name === 'iphone-cloudpay' ? 1 : 0)).toFixed(2)

/** Sandbox test credit cards: ¥50,000.00 and ¥1.00 available. */
const RICH = '622638******0095'
const POOR = '622609******0048'

/** Opens a sandbox test card the way the page offers it: its chip, then the SMS code from the sandbox "phone". */
async function openTestCard(page: Page, masked: string): Promise<void> {
  await page.getByTestId('bc-test-card').filter({ hasText: masked }).click()
  await page.getByTestId('bc-open-sms').click()
  await page.getByTestId('bc-open-sandbox-sms').getByRole('button', { name: '填入' }).click()
  await page.getByTestId('bc-open-confirm').click()
  await expect(page.getByTestId('bc-notice')).toContainText(`已开通 ${masked}`)
}

async function hold(section: Locator, masked: string, amount: string): Promise<void> {
  await section.getByTestId('pa-card').selectOption({ label: masked })
  await section.getByTestId('pa-amount').fill(amount)
  await section.getByTestId('pa-hold').click()
}

test.describe('预授权 on the 绑卡支付 page', () => {
  test.use({ viewport: { width: 360, height: 740 } })

  // The other specs share the sandbox user: unbind what this test opened (the holds keep their history).
  test.afterEach(async ({ page }) => {
    page.removeAllListeners('dialog')
    page.on('dialog', (d) => void d.accept())
    const cards = page.getByTestId('bc-card').filter({ hasText: /622638\*{6}0095|622609\*{6}0048/ })
    for (let n = await cards.count(); n > 0; n--) {
      await cards.first().getByTestId('bc-unbind').click()
      await expect(cards).toHaveCount(n - 1)
    }
  })

  test('hold, a completion over the hold refused, complete less, void the completion, void the hold', async ({
    page,
  }) => {
    const asked: string[] = []
    page.on('dialog', (d) => {
      asked.push(d.message())
      void d.accept()
    })
    await page.goto('/bindcard')
    const section = page.getByTestId('preauth')
    await expect(section.getByRole('heading', { name: '预授权' })).toBeVisible()
    await openTestCard(page, RICH)

    const amount = yuan(88)
    await hold(section, RICH, amount)
    await expect(section.getByTestId('pa-notice')).toHaveText(`已冻结 ¥${amount}`)
    const item = section.getByTestId('pa-item').filter({ hasText: `冻结 ¥${amount}` })
    await expect(item).toHaveCount(1)
    await expect(item.getByTestId('pa-status')).toHaveText('冻结中')
    await expect(item).toContainText('北京时间')
    // the page shows the masked number only
    await expect(page.locator('body')).not.toContainText('6226388000000095')
    await item.scrollIntoViewIfNeeded()
    await shot(page, '1-held')
    // axe (WCAG 2 A/AA) over the whole page with a standing hold and its forms
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
    expect(
      axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([])

    // More than the hold: refused by the server before any call to UnionPay, in Chinese; the hold stands.
    const over = (Number(amount) + 0.01).toFixed(2)
    await item.getByTestId('pa-complete-amount').fill(over)
    await item.getByTestId('pa-complete').click()
    // shown in the hold's own card, where the finger is
    await expect(item.getByTestId('pa-error')).toHaveText(`完成金额超过预授权金额：最多 ${amount} 元，本次 ${over} 元`)
    await expect(item.getByTestId('pa-status')).toHaveText('冻结中')
    await item.scrollIntoViewIfNeeded()
    await shot(page, '2-over-refused')

    const part = yuan(66.6)
    await item.getByTestId('pa-complete-amount').fill(part)
    await item.getByTestId('pa-complete').click()
    await expect(item.getByTestId('pa-notice')).toHaveText(`已完成扣款 ¥${part}`)
    await expect(item.getByTestId('pa-error')).toHaveCount(0)
    await expect(item.getByTestId('pa-status')).toHaveText('已完成扣款')
    await expect(item).toContainText(`预授权完成 ¥${part}：成功`)
    // a completion stands: neither a second completion nor a void of the hold is offered
    await expect(item.getByTestId('pa-complete')).toHaveCount(0)
    await expect(item.getByTestId('pa-void')).toHaveCount(0)
    await item.scrollIntoViewIfNeeded()
    await shot(page, '3-completed')

    // The completion voided (same settle day, in full): the hold stands again.
    await item.getByTestId('pa-completion-void').click()
    await expect(item.getByTestId('pa-notice')).toHaveText('已撤销完成，预授权恢复冻结')
    expect(asked.at(-1)).toBe(`撤销 ¥${part} 的扣款？全额退回，预授权恢复冻结`)
    await expect(item.getByTestId('pa-status')).toHaveText('冻结中')
    await expect(item).toContainText(`撤销完成 ¥${part}：成功`)
    await expect(item.getByTestId('pa-complete')).toBeVisible()

    // The hold voided in full: released, nothing more to do on it.
    await item.getByTestId('pa-void').click()
    await expect(item.getByTestId('pa-notice')).toHaveText('已撤销预授权，金额已解冻')
    expect(asked.at(-1)).toBe(`撤销这笔 ¥${amount} 的预授权？冻结金额将全额解冻，之后不能再完成扣款`)
    await expect(item.getByTestId('pa-status')).toHaveText('已撤销（已解冻）')
    await expect(item).toContainText(`撤销预授权 ¥${amount}：成功`)
    await expect(item.getByTestId('pa-complete')).toHaveCount(0)
    await expect(item.getByTestId('pa-void')).toHaveCount(0)
    await expect(item.getByTestId('pa-completion-void')).toHaveCount(0)
    await item.scrollIntoViewIfNeeded()
    await shot(page, '4-voided')
  })

  test("refusals in Chinese: a bad amount before sending, the card issuer's 余额不足", async ({ page }) => {
    await page.goto('/bindcard')
    const section = page.getByTestId('preauth')
    await openTestCard(page, POOR)

    await section.getByTestId('pa-amount').fill('12.345')
    await expect(section.getByText('金额最多两位小数')).toBeVisible()
    await expect(section.getByTestId('pa-hold')).toBeDisabled()

    // This sandbox card has ¥1.00 available: one fen more is refused by the issuer (respCode 64).
    const big = yuan(1.01)
    await hold(section, POOR, big)
    await expect(section.getByTestId('pa-error')).toContainText('预授权失败')
    await expect(section.getByTestId('pa-error')).toContainText('余额不足')
    const failed = section.getByTestId('pa-item').filter({ hasText: `冻结 ¥${big}` })
    await expect(failed.getByTestId('pa-status')).toContainText('冻结失败')
    await expect(failed.getByTestId('pa-complete')).toHaveCount(0)
    await section.getByTestId('pa-error').scrollIntoViewIfNeeded()
    await shot(page, '5-refused')
  })
})
