/** The org tree: group, park, plant, workshop, team. */
import { apiUrl, fetchAll, http } from './client'

export const ORG_UNIT_KINDS = [
  'group',
  'park',
  'plant',
  'workshop',
  'team',
] as const

export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number]

export interface OrgUnit {
  id: number
  parent_id: number | null
  kind: OrgUnitKind
  code: string
  name: string
  timezone: string
  path: string
  active: boolean
  floor_plan_file_id: number | null
  /** Row version for optimistic locking (409 version_conflict). */
  version?: number
}

export interface OrgUnitInput {
  parent_id: number | null
  kind: OrgUnitKind
  code: string
  name: string
  timezone: string
}

export type OrgUnitPatch = Partial<
  Omit<OrgUnitInput, 'parent_id'> & {
    active: boolean
    floor_plan_file_id: number | null
    version: number
  }
>

/** Every org unit in the caller's scope (all pages). */
export function listOrgUnits() {
  return fetchAll<OrgUnit>('/org-units', { sort: 'code' })
}

export function getOrgUnit(id: number) {
  return http.get<OrgUnit>(`/org-units/${id}`)
}

export function createOrgUnit(input: OrgUnitInput) {
  return http.post<OrgUnit>('/org-units', input)
}

export function updateOrgUnit(id: number, patch: OrgUnitPatch) {
  return http.patch<OrgUnit>(`/org-units/${id}`, patch)
}

/**
 * Address of the unit's floor-plan image: the uploaded one, or a plan the
 * server draws from the unit's areas. `version` defeats the browser cache.
 */
export function floorPlanUrl(id: number, version?: string | number | null) {
  return apiUrl(`/org-units/${id}/floor-plan`, { v: version })
}
