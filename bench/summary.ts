/** One figure of `npm run bench` held against its baseline or budget, measured in the same run. */
export interface Comparison {
  figure: string
  value: number
  unit: string
  baseline: string
  baselineValue: number
  /** value / baselineValue */
  ratio: number
  /** The goal for the ratio (issue 19), e.g. `≤1.10`; absent when the figure only has to be shown. */
  goal?: { op: '≤' | '≥'; ratio: number }
}

export function compare(
  figure: string,
  value: number,
  unit: string,
  baseline: string,
  baselineValue: number,
  goal?: Comparison['goal'],
): Comparison {
  return { figure, value, unit, baseline, baselineValue, ratio: value / baselineValue, ...(goal ? { goal } : {}) }
}

/** Display width: CJK characters take two columns in a terminal. */
export const width = (s: string) =>
  [...s].reduce(
    (w, c) =>
      w +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1),
    0,
  )
export const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)))

const num = (v: number, unit: string) =>
  Number.isFinite(v) ? `${v >= 100 ? Math.round(v) : +v.toFixed(2)} ${unit}`.trim() : 'n/a'

export function met(c: Comparison): boolean | undefined {
  if (!c.goal || !Number.isFinite(c.ratio)) return undefined
  return c.goal.op === '≤' ? c.ratio <= c.goal.ratio : c.ratio >= c.goal.ratio
}

/** The comparisons as a table a person reads: figure, its value, the baseline and its value, the ratio, the goal. */
export function comparisonTable(rows: Comparison[]): string {
  const cols = [50, 12, 34, 12, 8, 14]
  const head = ['figure', 'value', 'beside', 'its value', 'ratio', 'goal']
  const lines = [head.map((h, i) => pad(h, cols[i] ?? 0)).join(' '), '-'.repeat(135)]
  for (const c of rows) {
    const ok = met(c)
    const goal = c.goal ? `${c.goal.op}${c.goal.ratio.toFixed(2)}× ${ok ? 'met' : 'MISSED'}` : ''
    const cells = [
      c.figure,
      num(c.value, c.unit),
      c.baseline,
      num(c.baselineValue, c.unit),
      Number.isFinite(c.ratio) ? `${c.ratio.toFixed(2)}×` : 'n/a',
      goal,
    ]
    // a figure name wider than its column gets a line of its own
    if (width(c.figure) > (cols[0] ?? 0)) {
      lines.push(c.figure)
      cells[0] = ''
    }
    lines.push(cells.map((v, i) => pad(v, cols[i] ?? 0)).join(' '))
  }
  return lines.join('\n')
}
