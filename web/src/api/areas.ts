/** Areas: physical zones inside a plant with a floor-plan position. */
import { http, type Page, type PageQuery } from './client'

/** Risk colours: major, serious, general, low (重大/较大/一般/低). */
export const RISK_LEVELS = ['red', 'orange', 'yellow', 'blue'] as const

export type RiskLevel = (typeof RISK_LEVELS)[number]

export interface Area {
  id: number
  org_unit_id: number
  code: string
  name: string
  description: string
  /** Position on the unit's floor plan as fractions 0..1, or null. */
  x: number | null
  y: number | null
  risk_level?: RiskLevel | null
  active: boolean
  version?: number
}

export interface AreaQuery extends PageQuery {
  org_unit_id?: number
  q?: string
  active?: boolean
}

export interface AreaInput {
  org_unit_id: number
  code: string
  name: string
  description: string
  x: number | null
  y: number | null
  risk_level?: RiskLevel | null
}

export type AreaPatch = Partial<Omit<AreaInput, 'org_unit_id'>> & {
  active?: boolean
  version?: number
}

export function listAreas(query: AreaQuery) {
  return http.get<Page<Area>>('/areas', { ...query })
}

export function getArea(id: number) {
  return http.get<Area>(`/areas/${id}`)
}

export function createArea(input: AreaInput) {
  return http.post<Area>('/areas', input)
}

export function updateArea(id: number, patch: AreaPatch) {
  return http.patch<Area>(`/areas/${id}`, patch)
}
