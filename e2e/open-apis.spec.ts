import { mkdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-open-apis'
mkdirSync(SHOTS, { recursive: true })
/** The stub's scripting handle for verifyPayPwd (src/upsdk/stub/pay-pwd.ts). */
type StubWindow = { __upsdkStub: { payPwd: { script(outcome: 'success' | 'wrong' | 'cancel'): void } } }

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}/${test.info().project.name}-${name}.png`, fullPage: true })

test.describe('提现 guarded by the 云闪付 pay password (5.3)', () => {
  test('verifies through the sandbox notification, then withdraws once; a wrong password withdraws nothing', async ({
    page,
    request,
  }) => {
    await page.goto('/security')
    await expect(page.getByTestId('security-start')).toBeVisible()
    await shot(page, 'security-1-ready')

    await page.getByTestId('security-start').click()
    await expect(page.getByTestId('security-done')).toContainText('提现申请已提交')
    await expect(page.locator('[data-step="confirming"]')).toHaveClass(/sv-step--done/)
    await shot(page, 'security-2-done')
    const state = await (await request.get('/sandbox/unionpay/__control/open')).json()
    const last = state.payPwdNotifications.at(-1)
    expect(last).toMatchObject({ httpStatus: 200, answer: '{"resp":"00"}' })
    expect(state.payPwd.find((p: { transNo: string }) => p.transNo === last.transNo)).toMatchObject({
      status: 'verified',
      bizType: '4a',
    })

    await page.evaluate(() => (window as unknown as StubWindow).__upsdkStub.payPwd.script('wrong'))
    const sent = state.payPwdNotifications.length
    await page.getByTestId('security-start').click()
    await expect(page.getByTestId('security-error')).toContainText('支付密码错误')
    await expect(page.getByTestId('security-error')).toContainText('提现没有执行')
    await shot(page, 'security-3-wrong-password')
    const after = await (await request.get('/sandbox/unionpay/__control/open')).json()
    expect(after.payPwdNotifications.length).toBe(sent)
  })
})

test.describe('营销工具: 推送, 红包, 抽奖 (5.5, 5.8)', () => {
  test('push a message, give a red packet and see the balance drop, grant and draw a chance', async ({
    page,
    request,
  }) => {
    await request.post('/sandbox/unionpay/__control/open/activity', {
      data: { activityNumber: '1320261130000001', budget: 5000, prizes: [888] },
    })
    await page.goto('/marketing')
    await expect(page.getByTestId('balance')).toHaveText(/^¥\d+\.\d{2}$/)
    await expect(page.getByTestId('chances')).toHaveText(/^\d+ 次$/)
    const had = Number((await page.getByTestId('chances').textContent())?.replace(' 次', ''))
    await shot(page, 'marketing-1-loaded')

    // push: the counter counts a Chinese character as 2; 71 of them are refused before sending
    await page.getByTestId('push-content').fill('红'.repeat(71))
    await expect(page.getByTestId('push-count')).toHaveText(/^142\/140/)
    await expect(page.getByTestId('push-send')).toBeDisabled()
    await page.getByTestId('push-content').fill('您有一个新红包，点击查看')
    await page.getByTestId('push-send').click()
    await expect(page.getByTestId('push-ok')).toBeVisible()
    const pushes = (await (await request.get('/sandbox/unionpay/__control/open')).json()).pushes
    expect(pushes.at(-1)).toMatchObject({ content: '您有一个新红包，点击查看' })
    expect(pushes.at(-1).url).toMatch(/\/marketing$/)

    // red packet
    const before = Number((await page.getByTestId('balance').textContent())?.replace('¥', ''))
    await page.getByTestId('give-amount').fill('1.88')
    await page.getByTestId('give').click()
    await expect(page.getByTestId('give-ok')).toContainText('已赠送 1.88 元')
    await expect(page.getByTestId('balance')).toHaveText(`¥${(before - 1.88).toFixed(2)}`)
    await shot(page, 'marketing-2-given')

    // lottery
    await page.getByTestId('grant').click()
    await expect(page.getByTestId('chances')).toHaveText(`${had + 1} 次`)
    await page.getByTestId('draw').click()
    await expect(page.getByTestId('award')).toHaveText('恭喜！抽中红包 8.88 元')
    await expect(page.getByTestId('chances')).toHaveText(`${had} 次`)
    if (had === 0) await expect(page.getByTestId('draw')).toBeDisabled()
    await shot(page, 'marketing-3-drawn')
  })

  test('an empty activity budget (AM03051) is explained and the chance is kept', async ({ page, request }) => {
    await request.post('/sandbox/unionpay/__control/open/activity', {
      data: { activityNumber: '1320261130000001', budget: 0, prizes: [500] },
    })
    await page.goto('/marketing')
    await expect(page.getByTestId('chances')).toHaveText(/次$/)
    const had = Number((await page.getByTestId('chances').textContent())?.replace(' 次', ''))
    await page.getByTestId('grant').click()
    await expect(page.getByTestId('chances')).toHaveText(`${had + 1} 次`)
    await page.getByTestId('draw').click()
    await expect(page.getByTestId('draw-error')).toContainText('AM03051')
    await expect(page.getByTestId('chances')).toHaveText(`${had + 1} 次`)
    await shot(page, 'marketing-4-budget-empty')
    // once the budget is topped up, the kept chance draws
    await request.post('/sandbox/unionpay/__control/open/activity', {
      data: { activityNumber: '1320261130000001', budget: 5000, prizes: [0] },
    })
    await page.getByTestId('draw').click()
    await expect(page.getByTestId('award')).toHaveText('谢谢参与')
    await expect(page.getByTestId('chances')).toHaveText(`${had} 次`)
  })
})
