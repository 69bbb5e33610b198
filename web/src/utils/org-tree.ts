/** Arranges the flat org-unit list of the server as a tree. */
import { ORG_UNIT_KINDS, type OrgUnit, type OrgUnitKind } from '@/api/org-units'

export interface OrgTreeNode {
  id: number
  unit: OrgUnit
  label: string
  children: OrgTreeNode[]
}

/**
 * Builds the forest of `units`. A unit whose parent is outside the list
 * (outside the caller's scope) becomes a root. Siblings keep server order.
 */
export function buildOrgTree(units: OrgUnit[]): OrgTreeNode[] {
  const nodes = new Map<number, OrgTreeNode>()
  for (const unit of units) {
    nodes.set(unit.id, {
      id: unit.id,
      unit,
      label: unit.name,
      children: [],
    })
  }

  const roots: OrgTreeNode[] = []
  for (const unit of units) {
    const node = nodes.get(unit.id)!
    const parent =
      unit.parent_id === null ? undefined : nodes.get(unit.parent_id)
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

/** The kinds a new unit below a unit of `parent` kind may have. */
export function childKinds(parent: OrgUnitKind | null): OrgUnitKind[] {
  if (parent === null) return [...ORG_UNIT_KINDS]
  return ORG_UNIT_KINDS.slice(ORG_UNIT_KINDS.indexOf(parent) + 1)
}
