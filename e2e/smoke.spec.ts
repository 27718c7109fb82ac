import { expect, test } from '@playwright/test'

test('the server answers health checks and serves the H5 app', async ({ page, request }) => {
  const health = await request.get('/healthz')
  expect(await health.json()).toEqual({ ok: true })
  await page.goto('/')
  await expect(page.locator('#app')).not.toBeEmpty()
})
