import { describe, expect, it } from 'vitest'

import { defaultDeadline, hazardExportUrl } from './hazards'

describe('hazardExportUrl', () => {
  it('keeps the filters, drops paging and asks for CSV', () => {
    const url = hazardExportUrl({
      state: 'rectifying',
      level: 'major',
      q: '',
      page: 3,
      page_size: 50,
    })

    expect(url).toBe(
      '/api/v1/hazards/export?state=rectifying&level=major&format=csv',
    )
  })
})

describe('defaultDeadline', () => {
  const now = new Date('2026-01-01T00:00:00Z')

  it('adds the hours of the level', () => {
    const deadline = defaultDeadline('general', { general: 168 }, now)

    expect(deadline?.toISOString()).toBe('2026-01-08T00:00:00.000Z')
  })

  it('is null without a level or a rule', () => {
    expect(defaultDeadline(null, { general: 168 }, now)).toBeNull()
    expect(defaultDeadline('major', { major: null }, now)).toBeNull()
  })
})
