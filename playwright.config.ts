import { defineConfig, devices } from '@playwright/test'
import { CHROMIUM_LAUNCH, CLOUDPAY_UA_SUFFIX } from './scripts/chromium.ts'

export { CLOUDPAY_UA_SUFFIX }

const port = Number(process.env.E2E_PORT ?? 8790)
const baseURL = `http://127.0.0.1:${port}`
const launchOptions = CHROMIUM_LAUNCH
const pixel = devices['Pixel 7']
const iphone = devices['iPhone 13']

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list']] : [['list']],
  timeout: 30_000,
  use: {
    baseURL,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions,
  },
  projects: [
    {
      name: 'pixel-cloudpay',
      testIgnore: 'kit/**',
      use: { ...pixel, userAgent: `${pixel.userAgent}${CLOUDPAY_UA_SUFFIX}` },
    },
    {
      name: 'iphone-cloudpay',
      testIgnore: 'kit/**',
      use: { ...iphone, browserName: 'chromium', userAgent: `${iphone.userAgent}${CLOUDPAY_UA_SUFFIX}` },
    },
    // Issue 16: npm pack + fresh consumer projects outside the repo (e2e/kit/README.md).
    {
      name: 'kit',
      testMatch: 'kit/**/*.spec.ts',
      timeout: 180_000,
      use: { ...pixel, userAgent: `${pixel.userAgent}${CLOUDPAY_UA_SUFFIX}` },
    },
  ],
  webServer: {
    command: `tsx scripts/e2e-server.ts`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: { E2E_PORT: String(port) },
    stdout: 'pipe',
    stderr: 'pipe',
  },
})
