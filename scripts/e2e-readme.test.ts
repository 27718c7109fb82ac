import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const e2e = fileURLToPath(new URL('../e2e/', import.meta.url))

describe('e2e/README.md', () => {
  it('lists every spec in its table', () => {
    const readme = readFileSync(`${e2e}README.md`, 'utf8')
    const specs = readdirSync(e2e).filter((f) => f.endsWith('.spec.ts'))
    expect(specs.length).toBeGreaterThan(0)
    for (const spec of specs) expect(readme, spec).toContain(`| \`${spec}\` |`)
  })
})
