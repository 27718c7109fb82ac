import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import pluginVue from 'eslint-plugin-vue'

/**
 * The sandbox checks our messages with its OWN crypto and rules, written from the seeds: it may
 * not import production code (else a misreading is accepted by both sides). Outside its folder it
 * may only use the HTML shell `server/http/html.ts`. One block per folder depth, because a
 * relative path only says where it leads once you know where the file is. Its tests may drive the
 * app; known answers shared with production tests live in server/test-vectors/.
 */
const sandboxIndependence = [1, 2, 3, 4].map((depth) => ({
  name: `upkit/sandbox-independent-${depth}`,
  files: [`server/sandbox/${'*/'.repeat(depth - 1)}*.ts`],
  ignores: ['server/sandbox/**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./){${depth}}(?!http/html\\.ts$)`,
            message: 'The sandbox uses its own crypto and rules (server/sandbox/crypto, ...), never production code.',
          },
        ],
      },
    ],
  },
}))
const NO_SANDBOX = {
  group: ['**/sandbox/*', '**/sandbox'],
  message: 'Production server code does not import server/sandbox.',
}

const NO_STUB_IN_APP = {
  group: ['**/upsdk/stub', '**/upsdk/stub/*', './stub', './stub/*', '@/upsdk/stub', '@/upsdk/stub/*'],
  message: 'Only src/upsdk/loader.ts loads the stub.',
}
const NO_STUB_IMPORT_EXPRESSION = {
  selector: 'ImportExpression[source.value=/(^|\\/)(upsdk\\/)?stub(\\/|$)/]',
  message: 'Only src/upsdk/loader.ts loads the stub.',
}
/** The kit's sources: what kit/web/*.ts reach (src/composables/useUserInfo.ts is the demo's own). */
const KIT_SOURCES = [
  'src/upsdk/**',
  'src/composables/**',
  'src/stores/{sdk,session,payment}.ts',
  'src/api/client.ts',
  'src/settings.ts',
]
const KIT_DEEP_IMPORTS = [
  '@/upsdk',
  '@/upsdk/*',
  '**/upsdk',
  '**/upsdk/*',
  '!upkit/upsdk',
  '@/composables/*',
  '**/composables/*',
  '!@/composables/useUserInfo',
  '!**/composables/useUserInfo',
]

export default defineConfigWithVueTs(
  { name: 'upkit/files', files: ['**/*.{ts,mts,vue}'] },
  {
    name: 'upkit/ignores',
    ignores: [
      'dist/**',
      'kit/dist/**',
      'coverage/**',
      'node_modules/**',
      'bench/results/**',
      'test-results/**',
      '.tmp/**',
    ],
  },
  pluginVue.configs['flat/essential'],
  vueTsConfigs.recommended,
  {
    name: 'upkit/rules',
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  // Import boundaries (issue 10 item 8); a later block replaces the rule of an earlier one, so the domain block repeats NO_SANDBOX.
  // Production server code never reaches into the simulated platforms. The two exceptions are
  // explicit: app.ts mounts the sandbox (sandbox mode only), config.ts takes its default credentials.
  {
    name: 'upkit/boundaries/no-sandbox-in-production',
    files: ['server/**/*.ts'],
    ignores: [
      'server/sandbox/**',
      'server/app.ts',
      'server/config.ts',
      'server/test/**',
      '**/*.test.ts',
      '**/*.fixture.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_SANDBOX] }],
    },
  },
  // Domain code throws DomainError (server/errors.ts) and
  // never speaks HTTP: only a feature's routes.ts (and pay/http.ts, its error mapper) may.
  {
    name: 'upkit/boundaries/domain',
    files: ['server/{contract,oauth,pay,unionpay,chinaums,crypto,acp,paypwd,marketing}/**/*.ts'],
    ignores: ['**/routes.ts', 'server/pay/http.ts', '**/*.test.ts', '**/*.fixture.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/errors*', '**/http/error-handler*', '**/http/validate*'],
              message: 'Domain code throws DomainError (server/errors.ts); the error handler maps it to HTTP.',
            },
            {
              group: ['fastify', '@fastify/*', 'fastify-*'],
              allowTypeImports: true,
              message: 'Domain code does not use fastify (type-only imports such as the logger are fine).',
            },
            NO_SANDBOX,
          ],
        },
      ],
    },
  },
  // The app does not import the upsdk stub; the loader is the one entry that installs it (dev and sandbox builds).
  {
    name: 'upkit/boundaries/no-stub-in-app',
    files: ['src/**/*.{ts,vue}'],
    ignores: ['src/upsdk/stub/**', 'src/upsdk/loader.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [NO_STUB_IN_APP],
        },
      ],
      'no-restricted-syntax': ['error', NO_STUB_IMPORT_EXPRESSION],
    },
  },
  // The demo uses the kit as a merchant would (issue 16): app code imports `upkit/upsdk`, `upkit/vue`
  // and (types only) `upkit/stub`, never the kit's sources under src/upsdk or src/composables. The kit's
  // own sources are the files the entry points reach (kit/README.md). Repeats no-stub-in-app's rules,
  // which this block replaces for these files.
  {
    name: 'upkit/boundaries/app-through-kit',
    files: ['src/**/*.{ts,vue}'],
    ignores: [...KIT_SOURCES, '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_STUB_IN_APP,
            {
              group: KIT_DEEP_IMPORTS,
              message: "App code imports the kit through 'upkit/upsdk' or 'upkit/vue', not its sources.",
            },
            {
              group: ['upkit/stub'],
              allowTypeImports: true,
              message: "App code takes only types from 'upkit/stub'; the loader installs the stub.",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        NO_STUB_IMPORT_EXPRESSION,
        {
          selector: 'ImportExpression[source.value=/^(@\\/|\\.{1,2}\\/)(.*\\/)?(upsdk|composables)(\\/|$)/]',
          message: "App code imports the kit through 'upkit/upsdk' or 'upkit/vue', not its sources.",
        },
      ],
    },
  },
  ...sandboxIndependence,
  // The package (issue 16): only upkit/stub reaches the stub and only upkit/sandbox the sandbox,
  // so neither lands in an app that imports upkit/upsdk, upkit/vue or upkit/server.
  {
    name: 'upkit/boundaries/kit-entries',
    files: ['kit/web/**/*.ts', 'kit/node/**/*.ts'],
    ignores: ['kit/web/stub.ts', 'kit/web/install-stub.ts', 'kit/node/sandbox.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/upsdk/stub', '**/upsdk/stub/*', './stub', './install-stub'],
              message: 'Only upkit/stub carries the stub.',
            },
            {
              group: ['**/sandbox', '**/sandbox/*', './sandbox', './sandbox.ts'],
              message: 'Only upkit/sandbox carries the sandbox.',
            },
          ],
        },
      ],
    },
  },
  // Server tests get the app from the shared harness (sandbox defaults, free port, close).
  {
    name: 'upkit/boundaries/test-harness',
    files: ['server/**/*.test.ts', 'scripts/**/*.test.ts'],
    ignores: ['server/test/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/app.ts', '**/app'],
              importNames: ['buildApp'],
              message:
                'Server tests build the app with buildTestApp() / startTestServer() from server/test/harness.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'upkit/tests',
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
