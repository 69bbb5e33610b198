import { describe, expect, it } from 'vitest'

import {
  resolveDeadlines,
  splitHours,
  type DeadlineRule,
} from './hazard-config'

const rule = (
  id: number,
  unit: number | null,
  level: DeadlineRule['level'],
  hours: number | null,
): DeadlineRule => ({
  id,
  org_unit_id: unit,
  org_unit_name: unit ? `u${unit}` : null,
  level,
  hours,
})

const defaults = [
  rule(1, null, 'major', null),
  rule(2, null, 'serious', 720),
  rule(3, null, 'general', 168),
  rule(4, null, 'minor', 12),
]

describe('resolveDeadlines', () => {
  it('takes the own rule, then the nearest up the tree, then the default', () => {
    const rules = [
      ...defaults,
      rule(5, 4, 'general', 48),
      rule(6, 5, 'minor', 6),
    ]
    const out = resolveDeadlines(5, [4, 2, 1], rules, {
      major: null,
      serious: 720,
      general: 48,
      minor: 6,
    })
    expect(out.map((r) => [r.level, r.hours, r.origin.kind])).toEqual([
      ['major', null, 'default'],
      ['serious', 720, 'default'],
      ['general', 48, 'inherited'],
      ['minor', 6, 'own'],
    ])
    expect(out[2]!.origin).toMatchObject({ rule: { org_unit_name: 'u4' } })
    expect(out[3]!.own?.id).toBe(6)
  })

  it('says "above" when the server knows a rule out of the listed scope', () => {
    const out = resolveDeadlines(4, [2, 1], defaults, { general: 24 })
    expect(out[2]).toMatchObject({ hours: 24, origin: { kind: 'above' } })
  })
})

describe('splitHours', () => {
  it('shows whole days as days', () => {
    expect(splitHours(168)).toEqual({ amount: 7, unit: 'days' })
    expect(splitHours(36)).toEqual({ amount: 36, unit: 'hours' })
  })
})
