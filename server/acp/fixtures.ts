import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Test-only PKI made by `fixtures/make.sh` with openssl (never real keys). */
const dir = fileURLToPath(new URL('./fixtures/', import.meta.url))

export const fixturePath = (name: string): string => `${dir}${name}`
export const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8')
export const fixtureBytes = (name: string): Buffer => readFileSync(fixturePath(name))

export interface Vector {
  name: string
  key: string
  sorted: string
  sha256: string
  signature: string
}
export const vectors = JSON.parse(fixture('vectors.json')) as Vector[]

/** An instant inside every fixture's validity except `expired` (valid one day from 2026-11-30). */
export const FIXTURE_NOW = Date.parse('2027-06-01T00:00:00Z')
