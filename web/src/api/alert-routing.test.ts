import { describe, expect, it } from 'vitest'

import { toLevelForm, toLevelInput, type LevelConfig } from './alert-routing'

const inherited: LevelConfig = {
  level: 'general',
  routing: {
    roles: [],
    reach: 'nearest',
    user_ids: [],
    users: [],
    responsible: true,
    popup: false,
    own: false,
    source_unit_id: null,
    source_unit_name: null,
    version: null,
  },
  escalation: {
    escalate_after_s: 86400,
    max_reminders: 3,
    roles: ['dept_head'],
    supervise_after_s: 172800,
    own: false,
    source_unit_id: null,
    source_unit_name: null,
    version: null,
  },
  recipients: [],
}

describe('alert routing form', () => {
  it('clears both rows of a level that inherits', () => {
    expect(toLevelInput(toLevelForm(inherited))).toEqual({
      level: 'general',
      routing: null,
      escalation: null,
    })
  })

  it('sends own rows in seconds with their versions', () => {
    const form = toLevelForm({
      ...inherited,
      escalation: { ...inherited.escalation, own: true, version: 4 },
    })
    form.routingOwn = true
    form.escalateAfterMinutes = 90
    const input = toLevelInput(form)
    expect(input.routing).toEqual({
      roles: [],
      reach: 'nearest',
      user_ids: [],
      responsible: true,
      popup: false,
    })
    expect(input.escalation).toEqual({
      escalate_after_s: 5400,
      max_reminders: 3,
      roles: ['dept_head'],
      supervise_after_s: 172800,
      version: 4,
    })
  })

  it('keeps seconds that minutes cannot show when the field is untouched', () => {
    const form = toLevelForm({
      ...inherited,
      escalation: { ...inherited.escalation, own: true, escalate_after_s: 5 },
    })
    expect(form.escalateAfterMinutes).toBe(0)
    expect(toLevelInput(form).escalation?.escalate_after_s).toBe(5)
  })
})
