import { describe, expect, it } from 'vitest'

import { dayRange, isOpen, taskProgress, type TaskPoint } from './inspection'

const point = (checked: boolean, answered: boolean): TaskPoint => ({
  seq: 1,
  point_id: 1,
  code: 'P1',
  name: 'p',
  checked_in_at: checked ? '2026-01-01T00:00:00Z' : null,
  result_at: answered ? '2026-01-01T00:05:00Z' : null,
})

describe('dayRange', () => {
  it('spans the local calendar day of the instant', () => {
    const { from, to } = dayRange(new Date(2026, 0, 15, 13, 45))

    expect(new Date(from)).toEqual(new Date(2026, 0, 15))
    expect(new Date(to)).toEqual(new Date(2026, 0, 16))
    expect(from).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })
})

describe('taskProgress', () => {
  it('counts points both checked in and answered', () => {
    const points = [point(true, true), point(true, false), point(false, false)]

    expect(taskProgress({ points })).toEqual({ done: 1, total: 3 })
  })
})

describe('isOpen', () => {
  it('is true while pending or in progress only', () => {
    expect(isOpen({ status: 'pending' })).toBe(true)
    expect(isOpen({ status: 'in_progress' })).toBe(true)
    expect(isOpen({ status: 'missed' })).toBe(false)
  })
})
