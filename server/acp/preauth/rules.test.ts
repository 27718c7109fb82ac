import { describe, expect, it } from 'vitest'
import { settleDayOf } from '../reconcile/compare.ts'
import { completionProblem, completionVoidProblem, holdVoidProblem, type HoldFacts } from './rules.ts'

const t0 = Date.parse('2026-11-30T02:00:00Z')
const hold = (o: Partial<HoldFacts> = {}): HoldFacts => ({
  kind: 'hold',
  status: 'SUCCESS',
  amount: 10_000,
  queryId: '991796080538825563932',
  createdAt: t0,
  ...o,
})
const code = (p: { code: string } | null) => p?.code ?? null

describe('pre-authorisation rules', () => {
  it('completion: within the hold (× ratio), only while it stands, 30 days', () => {
    expect(code(completionProblem(hold(), 10_000, 1, t0, false, false))).toBeNull()
    expect(code(completionProblem(hold(), 10_001, 1, t0, false, false))).toBe('COMPLETION_EXCEEDS')
    expect(code(completionProblem(hold(), 11_500, 1.15, t0, false, false))).toBeNull()
    expect(code(completionProblem(hold(), 11_501, 1.15, t0, false, false))).toBe('COMPLETION_EXCEEDS')
    expect(code(completionProblem(hold({ status: 'PENDING' }), 1, 1, t0, false, false))).toBe('PREAUTH_NOT_HELD')
    expect(code(completionProblem(hold({ status: 'VOIDED' }), 1, 1, t0, false, false))).toBe('PREAUTH_NOT_HELD')
    expect(code(completionProblem(hold({ kind: 'completion' }), 1, 1, t0, false, false))).toBe('PREAUTH_NOT_HELD')
    expect(code(completionProblem(hold(), 1, 1, t0 + 30 * 86_400_000, false, false))).toBeNull()
    expect(code(completionProblem(hold(), 1, 1, t0 + 30 * 86_400_000 + 1, false, false))).toBe('PREAUTH_EXPIRED')
    expect(code(completionProblem(hold(), 1, 1, t0, true, false))).toBe('PREAUTH_COMPLETED')
    expect(code(completionProblem(hold(), 1, 1, t0, false, true))).toBe('PREAUTH_BUSY')
  })

  it('hold void: the same standing rules (its amount is always the hold’s)', () => {
    expect(code(holdVoidProblem(hold(), t0, false, false))).toBeNull()
    expect(code(holdVoidProblem(hold(), t0, true, false))).toBe('PREAUTH_COMPLETED')
  })

  it('completion void: a settled completion of today’s settle day (23:00 cut-off)', () => {
    const c = { kind: 'completion', status: 'SUCCESS', queryId: '1', txnTime: '20261130225959' }
    expect(code(completionVoidProblem(c, '20261130', settleDayOf, false))).toBeNull()
    expect(code(completionVoidProblem({ ...c, txnTime: '20261130230000' }, '20261130', settleDayOf, false))).toBe(
      'COMPLETION_VOID_NOT_SAME_DAY',
    )
    expect(code(completionVoidProblem({ ...c, status: 'VOIDED' }, '20261130', settleDayOf, false))).toBe(
      'COMPLETION_NOT_SETTLED',
    )
    expect(code(completionVoidProblem(c, '20261130', settleDayOf, true))).toBe('PREAUTH_BUSY')
  })
})
