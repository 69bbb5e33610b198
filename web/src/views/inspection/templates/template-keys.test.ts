import { describe, expect, it } from 'vitest'

import type { ChecklistSection } from '@/api/inspection'

import { freshKey, itemsBefore } from './template-keys'

const sections: ChecklistSection[] = [
  {
    title: 'a',
    items: [
      { key: 's1i1', label: 'x', kind: 'text' },
      { key: 's1i3', label: 'y', kind: 'text' },
    ],
  },
  { title: 'b', items: [{ key: 's1i2', label: 'z', kind: 'text' }] },
]

describe('freshKey', () => {
  it('takes the first unused key of the section, whatever moved where', () => {
    expect(freshKey(sections, 0)).toBe('s1i4')
    expect(freshKey(sections, 1)).toBe('s2i1')
  })
})

describe('itemsBefore', () => {
  it('lists the items a condition may refer to', () => {
    expect(
      itemsBefore(sections, sections[1].items[0]).map((i) => i.key),
    ).toEqual(['s1i1', 's1i3'])
  })
})
