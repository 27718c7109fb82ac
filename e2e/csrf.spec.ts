import { createServer, type Server } from 'node:http'
import { expect, test, type Page } from '@playwright/test'

const SHOTS = '/tmp/shots-csrf'

/**
 * A page on another origin of the same site (127.0.0.1, another port): the browser sends the
 * user's SameSite=Lax cookies with its requests, so only the server's Origin check stands
 * between it and the user's contract.
 */
function attackerPage(target: string): string {
  return `<!doctype html><meta charset="utf-8"><title>win a prize</title>
<form id="form" method="post" action="${target}/api/contract/relieve"><input name="planId" value="PLAN0001"></form>
<form id="plain" method="post" enctype="text/plain" action="${target}/api/oauth/logout" target="sink"><input name='{"a":"' value='b"}'></form>
<iframe name="sink"></iframe>
<p id="fetch">pending</p>
<script>
  fetch('${target}/api/contract/relieve', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ planId: 'PLAN0001' }) })
    .then(() => { document.getElementById('fetch').textContent = 'sent' }, () => { document.getElementById('fetch').textContent = 'blocked' })
</script>`
}

test.describe('CSRF: a same-site page cannot change the user’s state', () => {
  let attacker: Server
  let attackerUrl = ''

  test.beforeAll(async ({ baseURL }) => {
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(attackerPage(baseURL ?? ''))
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    const addr = attacker.address()
    attackerUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`
  })
  test.afterAll(async () => {
    await new Promise((resolve) => attacker.close(resolve))
  })

  const plan1 = (page: Page) => page.locator('[data-plan="PLAN0001"]')

  test('a cross-origin form post and fetch do not relieve the contract or log the user out', async ({ page }) => {
    await page.goto('/contract')
    await plan1(page).getByRole('link', { name: '开通无感支付' }).click()
    await page.getByRole('button', { name: '同意签约' }).click()
    await expect(page).toHaveURL(/\/contract$/)
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已开通')

    const evil = await page.context().newPage()
    await evil.goto(attackerUrl)
    await expect(evil.locator('#fetch')).toHaveText('sent')
    await evil.evaluate(() => (document.getElementById('plain') as HTMLFormElement).submit())
    const answer = evil.waitForResponse(
      (r) =>
        r.url().endsWith('/api/contract/relieve') &&
        r.request().method() === 'POST' &&
        r.request().resourceType() === 'document',
    )
    await evil.evaluate(() => (document.getElementById('form') as HTMLFormElement).submit())
    const res = await answer
    expect(res.status()).toBe(403)
    expect(await res.json()).toMatchObject({ error: { code: 'CROSS_ORIGIN_REFUSED' } })
    await evil.screenshot({ path: `${SHOTS}/${test.info().project.name}-refused.png` })
    await evil.close()

    // still logged in, still signed
    await page.reload()
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已开通')
    const me = await page.request.get('/api/me')
    expect(me.status()).toBe(200)

    // the app's own page still can: relieve for real (and leave the state clean)
    await plan1(page).getByRole('button', { name: '关闭无感支付' }).click()
    await page.getByRole('button', { name: '确认关闭' }).click()
    await expect(plan1(page).getByTestId('contract-status')).toHaveText('已关闭')
  })
})
