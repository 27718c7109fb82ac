import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

export default defineConfig((env) =>
  mergeConfig(viteConfig({ ...env, mode: 'test' }), {
    test: {
      root: fileURLToPath(new URL('./', import.meta.url)),
      projects: [
        {
          extends: true,
          test: {
            name: 'web',
            environment: 'happy-dom',
            include: ['src/**/*.test.ts'],
            server: { deps: { inline: ['zepto'] } },
          },
        },
        {
          extends: true,
          test: {
            name: 'server',
            environment: 'node',
            include: ['server/**/*.test.ts', 'scripts/**/*.test.ts', 'kit/node/**/*.test.ts'],
            testTimeout: 20_000,
            globalSetup: ['server/test/acp-pki.ts', 'server/test/pg-teardown.ts'],
          },
        },
      ],
    },
  }),
)
