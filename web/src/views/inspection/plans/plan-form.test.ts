import { describe, expect, it } from 'vitest'

import type { Plan } from '@/api/inspection'

import { emptyPlanForm, planBody, planToForm, previewInput } from './plan-form'

const today = new Date(2026, 2, 1)

describe('planBody', () => {
  it('sends points and people, the rule and its start in the unit time zone', () => {
    const form = {
      ...emptyPlanForm(7, today),
      name: ' 储罐区日常巡检 ',
      point_ids: [3, 4],
      assignee_ids: [9],
    }
    form.rule.times = ['08:00', '20:00']

    expect(planBody(form, 'Asia/Shanghai')).toEqual({
      name: '储罐区日常巡检',
      kind: 'daily',
      org_unit_id: 7,
      route_id: undefined,
      point_ids: [3, 4],
      template_id: undefined,
      assignee_ids: [9],
      assignee_role: undefined,
      rrule: 'FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0',
      dtstart: '2026-03-01T00:00:00+08:00',
      duration_minutes: 60,
      grace_minutes: 30,
      effective_until: undefined,
    })
  })

  it('sends a route and a role instead when chosen', () => {
    const form = {
      ...emptyPlanForm(7, today),
      target: 'route' as const,
      route_id: 5,
      point_ids: [3],
      assign: 'role' as const,
      assignee_ids: [9],
      effective_until: '2026-12-31',
    }

    const body = planBody(form, 'Asia/Shanghai')

    expect(body).toMatchObject({
      route_id: 5,
      point_ids: [],
      assignee_ids: [],
      assignee_role: 'inspector',
    })
    expect(body.effective_until).toBe('2026-12-31T23:59:00+08:00')
  })
})

describe('previewInput', () => {
  it('waits until the times make one rule', () => {
    const form = emptyPlanForm(7, today)
    form.rule.times = ['08:00', '20:30']

    expect(previewInput(form, 'Asia/Shanghai')).toBeNull()
  })
})

describe('planToForm', () => {
  it('opens a stored plan in the builder, or as a raw rule beyond it', () => {
    const plan = {
      id: 1,
      org_unit_id: 7,
      name: 'x',
      kind: 'daily',
      route_id: null,
      template_id: null,
      point_ids: [3],
      assignee_ids: [9],
      assignee_role: null,
      assignee_unit_id: null,
      rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0',
      dtstart: '2026-03-02T00:00:00+08:00',
      timezone: 'Asia/Shanghai',
      exdates: [],
      duration_minutes: 60,
      grace_minutes: 0,
      effective_until: null,
      active: true,
      generated_until: '',
      description: '',
      version: 1,
      created_at: '',
      updated_at: '',
    } satisfies Plan

    expect(planToForm(plan).rule).toMatchObject({
      freq: 'weekly',
      weekdays: ['MO'],
      times: ['09:00'],
    })
    expect(planToForm({ ...plan, rrule: 'FREQ=YEARLY;BYMONTH=1' }).raw).toBe(
      true,
    )
  })
})
