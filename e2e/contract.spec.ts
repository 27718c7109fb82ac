import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-contract'

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${test.info().project.name}-${name}.png`, fullPage: true })
}

const plan1 = (page: Page) => page.locator('[data-plan="PLAN0001"]')

async function signPlan1(page: Page, shotPrefix?: string): Promise<void> {
  await plan1(page).getByRole('link', { name: '开通无感支付' }).click()
  await expect(page).toHaveURL(/\/sandbox\/unionpay\/s\/open\/noPwd\/html\/open\.html\?/)
  await expect(page.locator('#plan-title')).toHaveText('公交地铁 先乘车后付费')
  await expect(page.locator('#single-limit')).toHaveText('200.00 元')
  await expect(page.locator('#daily-limit')).toHaveText('500.00 元')
  if (shotPrefix) await shot(page, `${shotPrefix}-sign-page`)
  await page.getByRole('button', { name: '同意签约' }).click()
  await expect(page).toHaveURL(/\/contract$/)
}

test.describe('无感支付 contract page', () => {
  test('sign through the sandbox, relieve in the H5, then relieve from the 云闪付 side', async ({ page, request }) => {
    await page.goto('/contract')
    await expect(plan1(page).getByRole('link', { name: '开通无感支付' })).toBeVisible()
    await expect(page.getByText('同意签约即完成登录').first()).toBeVisible()
    await shot(page, '1-logged-out')

    await signPlan1(page, '2')
    await expect(page.getByTestId('result')).toContainText('无感支付已开通')
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已开通')
    await expect(page.getByTestId('unfinished-count')).toHaveText('0 笔')
    await shot(page, '3-signed')

    // relieve in the H5, with confirmation
    await plan1(page).getByRole('button', { name: '关闭无感支付' }).click()
    await expect(page.getByRole('alertdialog')).toBeVisible()
    await shot(page, '4-confirm')
    await page.getByRole('button', { name: '确认关闭' }).click()
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已关闭')
    await expect(plan1(page)).toContainText('您在本页面关闭')
    await shot(page, '5-relieved')

    // sign again, then the user relieves it inside 云闪付: the platform notifies the server
    await signPlan1(page)
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已开通')
    const contractId = (await plan1(page).locator('.pc-mono').textContent())?.trim()
    expect(contractId).toMatch(/^\d{19}$/)
    // the sandbox's 云闪付 设置-无感支付 page, in another tab
    const cloudpay = await page.context().newPage()
    await cloudpay.goto('/sandbox/unionpay/__control/contract')
    const card = cloudpay.locator('.card', { hasText: contractId ?? '' })
    await expect(card).toBeVisible()
    await shot(cloudpay, '6a-cloudpay-settings')
    await card.getByRole('button', { name: '在云闪付侧解约' }).click()
    await expect(cloudpay.getByText('没有已签约的无感支付')).toBeVisible()
    const sent = await (await request.get('/sandbox/unionpay/__control/contracts')).json()
    const last = sent.notifications.at(-1)
    expect(last).toMatchObject({ contractId, httpStatus: 200, answer: '{"resp":"00"}' })
    await cloudpay.close()
    await page.bringToFront()
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已关闭', { timeout: 15_000 })
    await expect(plan1(page)).toContainText('您在云闪付中关闭')
    await expect(page.getByTestId('result')).toContainText('已在云闪付中关闭')
    await shot(page, '6-relieved-in-cloudpay')
  })

  test('a relieve the platform refuses shows the reason and keeps the contract', async ({ page, request }) => {
    await page.goto('/contract')
    await signPlan1(page)
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已开通')
    await request.post('/sandbox/unionpay/__control/contract/fail-next', {
      data: { api: 'contract.relieve', resp: 'N62137', msg: '获取签约商户信息异常' },
    })
    await plan1(page).getByRole('button', { name: '关闭无感支付' }).click()
    await page.getByRole('button', { name: '确认关闭' }).click()
    await expect(page.getByTestId('result')).toContainText('关闭失败')
    await expect(page.getByTestId('result')).toContainText('N62137')
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已开通')
    await shot(page, '8-relieve-error')
    // tidy up for the next project: relieve for real
    await plan1(page).getByRole('button', { name: '关闭无感支付' }).click()
    await page.getByRole('button', { name: '确认关闭' }).click()
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已关闭')
    await expect(page.getByTestId('result')).toContainText('已关闭「公交地铁 先乘车后付费」')
  })

  test('cancelling on the sign page comes back with a clear message', async ({ page }) => {
    await page.goto('/contract')
    await plan1(page).getByRole('link', { name: '开通无感支付' }).click()
    await page.getByRole('button', { name: '取消' }).click()
    await expect(page).toHaveURL(/\/contract$/)
    await expect(page.getByTestId('result')).toContainText('您已取消签约')
    await shot(page, '7-cancelled')
  })

  test('an expired or forged return shows an error, not a contract', async ({ page }) => {
    await page.goto('/api/contract/callback?code=x&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    await expect(page).toHaveURL(/\/contract$/)
    await expect(page.getByTestId('result')).toContainText('签约请求已失效')
  })
})
