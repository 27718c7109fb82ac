import { mkdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-oauth'
mkdirSync(SHOTS, { recursive: true })

/** The sandbox's default users (server/sandbox/unionpay/state.ts). */
const USER1_OPENID = 'sbxU1+fZq9/0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5+Ab6Cd7/Ef8Gh9I='
const USER2_OPENID = 'sbxU2/Kp0+Lq1Mr2Ns3Ot4Pu5Qv6Rw7Sx8Ty9Uz0Va1Wb2Xc3Yd4Ze5/Af6Bg7Ch8D='
/** The sandbox's third and fourth users, one per browser project (server/sandbox/unionpay/state.ts). */
const REVOKE_USERS = {
  pixel: { option: '2', openId: 'sbxU3+Mn4/Op5+Qr6Rs7St8Tu9Uv0Vw1Wx2Xy3Yz4Za5+Ab6Bc7/Cd8De9Ef0Fg1G=' },
  iphone: { option: '3', openId: 'sbxU4/Hi5+Ij6Jk7Kl8Lm9Mn0No1Op2Pq3Qr4Rs5St6+Tu7Uv8Vw9Wx0/Xy1Yz2Za3B=' },
}
const ORDINARY_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36'

const shot = (page: Page, name: string, project: string) =>
  page.screenshot({ path: `${SHOTS}/${project}-${name}.png`, fullPage: true })

/** From /login, pick a scope and arrive on the sandbox consent page. */
async function openConsent(page: Page, scope: 'upapi_mobile' | 'upapi_auth') {
  await page.goto('/login?redirect=/profile')
  await page.getByTestId(`login-${scope}`).click()
  await page.waitForURL(/\/sandbox\/unionpay\/s\/open\/html\/oauth\.html\?/)
  await expect(page.getByTestId('sandbox-app-name')).toHaveText('upkit 演示商户')
}

test.describe('OAuth2 联登 in 云闪付', () => {
  test('logs in through the consent page and shows the openId', async ({ page }, info) => {
    await openConsent(page, 'upapi_mobile')
    await expect(page.getByTestId('sandbox-scope')).toContainText('手机号')
    await shot(page, 'consent', info.project.name)
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    await expect(page.getByTestId('profile-openid')).toHaveText(USER1_OPENID)
    await expect(page.getByTestId('profile-scope')).toHaveText('手机号授权')
    await shot(page, 'profile', info.project.name)
  })

  test('a page that needs a user sends them to authorize and back (upapi_base has no page)', async ({ page }) => {
    await page.goto('/profile')
    await page.waitForURL('**/profile')
    await expect(page.getByTestId('profile-openid')).toHaveText(USER1_OPENID)
    await expect(page.getByTestId('profile-scope')).toHaveText('基础授权（openId）')
  })

  test('refusing shows the explanation and offers to retry', async ({ page }, info) => {
    await openConsent(page, 'upapi_mobile')
    await page.getByRole('button', { name: '拒绝' }).click()
    await page.waitForURL(/\/login\?/)
    await expect(page.getByTestId('login-error')).toContainText('您拒绝了授权')
    await expect(page.getByTestId('login-reason')).toHaveText('您没有同意授权，因此未能登录。')
    expect((await page.request.get('/api/me')).status()).toBe(401)
    await shot(page, 'refused', info.project.name)
    await page.getByTestId('login-retry').click()
    await page.waitForURL(/oauth\.html\?.*scope=upapi_mobile/)
  })

  test('reads the mobile number with upapi_mobile, masked until asked', async ({ page }, info) => {
    await openConsent(page, 'upapi_mobile')
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    await page.getByTestId('profile-mobile-load').click()
    await expect(page.getByTestId('profile-mobile-value')).toHaveText('138****5678')
    await shot(page, 'mobile-masked', info.project.name)
    await page.getByTestId('profile-mobile-toggle').click()
    await expect(page.getByTestId('profile-mobile-value')).toHaveText('13812345678')
  })

  test('a user without a mobile number is told so; identity needs upapi_auth', async ({ page }, info) => {
    await openConsent(page, 'upapi_mobile')
    await page.getByTestId('sandbox-user').selectOption('1')
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    await expect(page.getByTestId('profile-openid')).toHaveText(USER2_OPENID)
    await page.getByTestId('profile-mobile-load').click()
    await expect(page.getByTestId('profile-mobile-error')).toContainText('没有手机号')
    // identity needs upapi_auth: offered at once instead of a request that can only fail
    await expect(page.getByTestId('profile-identity-authorize')).toHaveText('授权实名信息后查看')
    await expect(page.getByTestId('profile-identity-load')).toHaveCount(0)
    await shot(page, 'no-mobile', info.project.name)
  })

  test('upapi_auth shows the identity masked', async ({ page }, info) => {
    await openConsent(page, 'upapi_auth')
    await expect(page.getByTestId('share-mobile')).toBeChecked()
    await shot(page, 'consent-auth', info.project.name)
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    await page.getByTestId('profile-identity-load').click()
    await expect(page.getByTestId('profile-certid')).toHaveText('1101**********1234')
    await page.getByTestId('profile-mobile-load').click()
    await expect(page.getByTestId('profile-mobile-value')).toHaveText('138****5678')
    await shot(page, 'identity', info.project.name)
  })

  test('a mobile the user did not share (N62135) is explained, and authorising again can share it', async ({
    page,
  }, info) => {
    await openConsent(page, 'upapi_auth')
    await page.getByTestId('share-mobile').uncheck()
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    await page.getByTestId('profile-mobile-load').click()
    await expect(page.getByTestId('profile-mobile-error')).toContainText('N62135')
    await shot(page, 'mobile-not-provided', info.project.name)
    await page.getByTestId('profile-mobile-fix').click()
    await expect(page.getByTestId('share-mobile')).toBeChecked()
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    // back from authorising, the number is read without another tap
    await expect(page.getByTestId('profile-mobile-value')).toHaveText('138****5678')
  })

  test('the login page offers the three scopes', async ({ page }, info) => {
    await page.goto('/login')
    for (const s of ['upapi_base', 'upapi_mobile', 'upapi_auth'])
      await expect(page.getByTestId(`login-${s}`)).toBeVisible()
    await shot(page, 'login', info.project.name)
  })

  test('replaying the callback URL does not log in again', async ({ page, browser }, info) => {
    await openConsent(page, 'upapi_mobile')
    const callback = page.waitForRequest((r) => r.url().includes('/api/oauth/callback?'))
    await page.getByRole('button', { name: '同意', exact: true }).click()
    const callbackUrl = (await callback).url()
    await page.waitForURL('**/profile')
    expect(callbackUrl).toMatch(/code=[^&]*%2B/)

    const other = await browser.newContext({
      userAgent: await page.evaluate(() => navigator.userAgent),
      viewport: { width: 390, height: 844 },
    })
    const thief = await other.newPage()
    const res = await thief.goto(callbackUrl)
    expect(res?.status()).toBe(400)
    await expect(thief.getByTestId('oauth-error-code')).toHaveText('STATE_UNKNOWN')
    await expect(thief.getByRole('alert')).toContainText('已经使用过或已过期')
    expect((await thief.request.get('/api/me')).status()).toBe(401)
    await shot(thief, 'replay', info.project.name)
    await other.close()

    await page.goto(callbackUrl)
    await expect(page.getByTestId('oauth-error-code')).toHaveText('STATE_UNKNOWN')
  })

  test('the 用户授权解除通知 ends the session', async ({ page }, info) => {
    // A user of this project's own: the notification ends every session of its openId, and the
    // other project's identical notification in the same second would be a replay (applied once).
    const user = info.project.name.startsWith('iphone') ? REVOKE_USERS.iphone : REVOKE_USERS.pixel
    await openConsent(page, 'upapi_mobile')
    await page.getByTestId('sandbox-user').selectOption(user.option)
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.waitForURL('**/profile')
    // the profile page's own requests after login (it may renew the session) finish before the revoke
    await page.waitForLoadState('networkidle')
    await expect(page.getByTestId('profile-openid')).toHaveText(user.openId)
    const forged = await page.request.post('/sandbox/unionpay/__control/auth-revoke', {
      data: { openId: user.openId, forge: 'tampered' },
    })
    expect((await forged.json()).answer).toEqual({ resp: '01' })
    expect((await page.request.get('/api/me')).status()).toBe(200)
    const real = await page.request.post('/sandbox/unionpay/__control/auth-revoke', { data: { openId: user.openId } })
    expect((await real.json()).answer).toEqual({ resp: '00' })
    expect((await page.request.get('/api/me')).status()).toBe(401)
  })
})

test.describe('outside 云闪付', () => {
  test('an ordinary browser goes to the outApp login page', async ({ browser }, info) => {
    const ctx = await browser.newContext({
      userAgent: ORDINARY_UA,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    const page = await ctx.newPage()
    await page.goto('/login?redirect=/profile')
    await expect(page.getByText('当前不在云闪付 App 内')).toBeVisible()
    await page.getByTestId('login-upapi_base').click()
    await page.waitForURL(/\/s\/open\/auth\/outApp\/html\/outLogin\.html\?.*scope=upapi_login/)
    await expect(page.getByText('App 外登录')).toBeVisible()
    await shot(page, 'outapp', info.project.name)
    await page.getByRole('button', { name: '登录并同意' }).click()
    await page.waitForURL('**/profile')
    await expect(page.getByTestId('profile-openid')).toHaveText(USER1_OPENID)
    const refused = await page.request.get('/api/oauth/authorize?scope=upapi_mobile', { maxRedirects: 0 })
    expect(refused.status()).toBe(400)
    await ctx.close()
  })
})
