import { expect, test } from '@playwright/test'

/**
 * The Content-Security-Policy allows exactly what the app loads: every page (and the upsdk stub,
 * Zepto and the lazy views it pulls in) must run without a single violation.
 */
test('every page loads under the Content-Security-Policy without a violation', async ({ page }) => {
  const violations: string[] = []
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as { __csp: string[] }).__csp ??= []
      ;(window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text())
  })
  for (const path of ['/', '/login', '/contract', '/pay', '/orders', '/bluetooth', '/nfc', '/profile']) {
    const res = await page.goto(path)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.waitForLoadState('networkidle')
    violations.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])))
  }
  // the sandbox's own pages: no script at all, their inline styles allowed
  await page.goto('/sandbox/')
  violations.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])))
  expect(violations).toEqual([])
})
