import { describe, expect, it } from 'vitest'

import type { OrgUnit } from '@/api/org-units'

import { buildOrgTree, childKinds } from './org-tree'

function unit(id: number, parent: number | null, kind: OrgUnit['kind']) {
  return {
    id,
    parent_id: parent,
    kind,
    code: `U${id}`,
    name: `unit ${id}`,
    timezone: 'Asia/Shanghai',
    path: '',
    active: true,
    floor_plan_file_id: null,
  } satisfies OrgUnit
}

describe('buildOrgTree', () => {
  it('nests children under parents and keeps orphans as roots', () => {
    const units = [
      unit(1, null, 'group'),
      unit(2, 1, 'plant'),
      unit(3, 2, 'workshop'),
      unit(9, 42, 'plant'),
    ]

    const roots = buildOrgTree(units)

    expect(roots.map((root) => root.id)).toEqual([1, 9])
    expect(roots[0]!.children[0]!.children[0]!.id).toBe(3)
  })
})

describe('childKinds', () => {
  it('allows only lower kinds below a unit', () => {
    expect(childKinds('plant')).toEqual(['workshop', 'team'])
    expect(childKinds('team')).toEqual([])
    expect(childKinds(null)).toHaveLength(5)
  })
})
