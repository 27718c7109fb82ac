import { describe, expect, it } from 'vitest'
import { parseRawPairs, rawQuery, readCallbackQuery } from './raw-query.ts'

describe('raw query reading', () => {
  it('keeps a literal + when reading a raw query', () => {
    const q = rawQuery('/cb?code=ab+c%2Fd%3D&state=S1&empty=&flag#frag')
    expect(parseRawPairs(q)).toEqual([
      ['code', 'ab+c/d='],
      ['state', 'S1'],
      ['empty', ''],
      ['flag', ''],
    ])
    expect(parseRawPairs('bad=%E0%A4%A')).toEqual([['bad', '%E0%A4%A']])
  })

  it('reads a callback query one way: first value, + kept, code still encoded', () => {
    const q = readCallbackQuery('/cb?code=ab%2Bc%2Fd%3D&state=S1&state=S2&errmsg=a+b')
    expect(q.get('state')).toBe('S1')
    expect(q.get('errmsg')).toBe('a+b')
    expect(q.raw('code')).toBe('ab%2Bc%2Fd%3D')
    expect(q.get('missing')).toBeUndefined()
  })
})
