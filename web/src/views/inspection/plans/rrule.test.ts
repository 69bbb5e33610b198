import { describe, expect, it } from 'vitest'

import {
  buildRrule,
  defaultRule,
  localInstant,
  parseRrule,
  planDtstart,
  timesProblem,
  type RuleForm,
} from './rrule'

const rule = (over: Partial<RuleForm>): RuleForm => ({
  ...defaultRule(),
  ...over,
})

describe('buildRrule', () => {
  it.each([
    [rule({ times: ['20:00', '08:00'] }), 'FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0'],
    [
      rule({ freq: 'weekly', weekdays: ['FR', 'MO'], times: ['09:30'] }),
      'FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30',
    ],
    [
      rule({ freq: 'monthly', monthdays: [15, 1, -1], times: ['08:00'] }),
      'FREQ=MONTHLY;BYMONTHDAY=-1,1,15;BYHOUR=8;BYMINUTE=0',
    ],
    [rule({ freq: 'hourly', interval: 2 }), 'FREQ=HOURLY;INTERVAL=2'],
    [
      rule({ interval: 2, count: 10 }),
      'FREQ=DAILY;INTERVAL=2;BYHOUR=8;BYMINUTE=0;COUNT=10',
    ],
  ])('%o → %s', (form, expected) => {
    expect(buildRrule(form)).toBe(expected)
  })
})

describe('parseRrule', () => {
  it('reads back what the builder writes', () => {
    const form = rule({
      freq: 'weekly',
      weekdays: ['MO', 'TH'],
      times: ['08:15', '16:15'],
    })

    expect(parseRrule(buildRrule(form))).toEqual(form)
  })

  it('reads the guideline defaults and refuses rules beyond the builder', () => {
    expect(
      parseRrule('FREQ=DAILY;BYHOUR=9,15;BYMINUTE=0;BYSECOND=0')?.times,
    ).toEqual(['09:00', '15:00'])
    expect(parseRrule('FREQ=YEARLY;BYMONTH=1')).toBeNull()
    expect(parseRrule('FREQ=MONTHLY;BYDAY=1FR')).toBeNull()
  })
})

describe('timesProblem', () => {
  it('needs times that share their minutes', () => {
    expect(timesProblem(rule({ times: ['08:00', '20:00'] }))).toBeNull()
    expect(timesProblem(rule({ times: ['08:00', '20:30'] }))).toBe('minutes')
    expect(timesProblem(rule({ times: [] }))).toBe('empty')
    expect(timesProblem(rule({ times: ['25:00'] }))).toBe('invalid')
    expect(timesProblem(rule({ freq: 'hourly', times: [] }))).toBeNull()
  })
})

describe('localInstant', () => {
  it('writes the wall time with the zone offset of that day', () => {
    expect(localInstant('2026-03-01', '08:00', 'Asia/Shanghai')).toBe(
      '2026-03-01T08:00:00+08:00',
    )
    expect(localInstant('2026-01-15', '08:00', 'Europe/Berlin')).toBe(
      '2026-01-15T08:00:00+01:00',
    )
    expect(localInstant('2026-07-15', '08:00', 'Europe/Berlin')).toBe(
      '2026-07-15T08:00:00+02:00',
    )
    expect(localInstant('2026-07-15', '00:00', 'America/New_York')).toBe(
      '2026-07-15T00:00:00-04:00',
    )
  })

  it('anchors hourly rules at their first time, others at midnight', () => {
    expect(
      planDtstart(
        rule({ freq: 'hourly', times: ['06:30'] }),
        '2026-03-01',
        'Asia/Shanghai',
      ),
    ).toBe('2026-03-01T06:30:00+08:00')
    expect(
      planDtstart(rule({ times: ['06:30'] }), '2026-03-01', 'Asia/Shanghai'),
    ).toBe('2026-03-01T00:00:00+08:00')
  })
})
