import { describe, expect, it } from 'vitest'
import { ORDER_DIVISION_CASES } from '../test-vectors/chinaums.ts'
import { divisionProblems } from './h5.ts'

describe('分账 rules of an order (seed 1.1), shared cases', () => {
  for (const c of ORDER_DIVISION_CASES) {
    it(`${c.name} → ${c.valid ? 'accepted' : 'refused'}`, () => {
      const problems = divisionProblems(
        c.totalAmount,
        {
          platformAmount: c.platformAmount,
          ...(c.subOrders ? { subOrders: [...c.subOrders] } : {}),
          ...(c.goods ? { goods: [...c.goods] } : {}),
        },
        c.secureTransaction,
      )
      expect(problems.length === 0).toBe(c.valid)
    })
  }
})
