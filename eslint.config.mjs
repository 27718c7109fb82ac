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

export default defineConfigWithVueTs(
  { name: 'upkit/files', files: ['**/*.{ts,mts,vue}'] },
  { name: 'upkit/ignores', ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'bench/results/**', 'test-results/**', '.tmp/**'] },
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
  ...sandboxIndependence,
  {
    name: 'upkit/tests',
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
