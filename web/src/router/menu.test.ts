import { describe, expect, it } from 'vitest'

import { isSection, visibleMenu } from './menu'

const names = (can: (permission: string) => boolean) =>
  visibleMenu(can).map((entry) =>
    isSection(entry)
      ? `${entry.key}:${entry.items.map((item) => item.name).join(',')}`
      : entry.name,
  )

describe('visibleMenu', () => {
  it('shows only home without permissions', () => {
    expect(names(() => false)).toEqual(['home'])
  })

  it('keeps the allowed items and drops empty sections', () => {
    const granted = new Set(['point.view', 'audit.view'])

    expect(names((p) => granted.has(p))).toEqual([
      'home',
      'master:points',
      'admin:audit',
    ])
  })

  it('shows the hazard workbench with hazard.view', () => {
    expect(names((p) => p === 'hazard.view')).toEqual(['home', 'hazards'])
  })
})
