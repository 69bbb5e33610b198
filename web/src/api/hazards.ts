/** Hazards (隐患): report, the action loop, the workbench counts, export. */
import { apiUrl, http, type Page, type PageQuery } from './client'

export const HAZARD_STATES = [
  'reported',
  'verified',
  'rectifying',
  'pending_review',
  'closed',
  'dismissed',
] as const
export type HazardState = (typeof HAZARD_STATES)[number]

export const HAZARD_LEVELS = ['major', 'serious', 'general', 'minor'] as const
export type HazardLevel = (typeof HAZARD_LEVELS)[number]

export const HAZARD_ACTIONS = [
  'verify',
  'dismiss',
  'plan',
  'assign',
  'progress',
  'extend_request',
  'extend_approve',
  'extend_refuse',
  'submit',
  'approve',
  'return',
  'supervise',
] as const
export type HazardAction = (typeof HAZARD_ACTIONS)[number]

export interface Hazard {
  id: number
  code: string
  title: string
  description: string
  kind: 'condition' | 'violation'
  category: string | null
  category_name: string | null
  level: HazardLevel | null
  org_unit_id: number
  org_unit_name: string
  area_id: number | null
  point_id: number | null
  location_text: string
  source: string
  reporter_id: number
  reporter_name: string
  found_at: string
  state: HazardState
  fixed_on_spot: boolean
  owner_id: number | null
  owner_name: string | null
  measures: string
  deadline: string | null
  original_deadline: string | null
  supervised: boolean
  supervision: Record<string, unknown> | null
  dismiss_reason: string | null
  closed_at: string | null
  version: number
  created_at: string
  updated_at: string
  overdue: boolean
  due_soon: boolean
}

export interface HazardHistoryEntry {
  action: string
  actor_id: number | null
  actor_name: string
  at: string
  from_state: HazardState | null
  to_state: HazardState
  comment: string
  changes: Record<string, unknown> | null
  file_ids: number[] | null
}

export interface HazardFile {
  file_id: number
  phase: 'before' | 'after' | string
  content_type: string
  original_name: string
  url: string
  added_at: string
}

export interface HazardReview {
  round: number
  reviewer_id: number
  reviewer_name: string
  decision: string
  superior: boolean
  comment: string
  at: string
}

export interface HazardDetail extends Hazard {
  history: HazardHistoryEntry[]
  files: HazardFile[]
  reviews: HazardReview[]
  allowed_actions: HazardAction[]
}

export interface HazardQuery extends PageQuery {
  state?: HazardState
  level?: HazardLevel
  category?: string
  point_id?: number
  owner_id?: number
  overdue?: boolean
  supervised?: boolean
  open?: boolean
  from?: string
  to?: string
  q?: string
}

export interface HazardSummary {
  by_state: Partial<Record<HazardState, number>>
  overdue: number
  due_soon: number
  supervised: number
  mine: number
}

export interface HazardCategory {
  code: string
  name: string
  name_en?: string
}

export interface HazardReportInput {
  client_id: string
  title: string
  description?: string
  point_id?: number
  level?: HazardLevel
  category?: string
  file_ids?: number[]
}

export function listHazards(query: HazardQuery) {
  return http.get<Page<Hazard>>('/hazards', { ...query })
}

export function getHazard(id: number) {
  return http.get<HazardDetail>(`/hazards/${id}`)
}

export function reportHazard(input: HazardReportInput) {
  return http.post<HazardDetail>('/hazards', input)
}

/** Takes `action`; the body must carry the hazard's `version`. */
export function actOnHazard(
  id: number,
  action: HazardAction,
  body: { version: number } & Record<string, unknown>,
) {
  return http.post<HazardDetail>(`/hazards/${id}/actions/${action}`, body)
}

export function hazardSummary(query: HazardQuery = {}) {
  return http.get<HazardSummary>('/hazards/summary', { ...query })
}

export async function listHazardCategories() {
  const answer = await http.get<{ items: HazardCategory[] }>(
    '/hazard-categories',
  )
  return answer.items
}

/** Address of the CSV export of what `query` selects. */
export function hazardExportUrl(query: HazardQuery) {
  const { page: _page, page_size: _size, ...rest } = query
  return apiUrl('/hazards/export', { ...rest, format: 'csv' })
}

/** Deadline hours per level in force at an org unit (nearest rule up). */
export async function effectiveDeadlineHours(orgUnitId: number) {
  const answer = await http.get<{
    effective?: Partial<Record<HazardLevel, number | null>>
  }>('/hazard-deadline-rules', { org_unit_id: orgUnitId })
  return answer.effective ?? {}
}

/** The default deadline of a level from `hours`; null when there is none. */
export function defaultDeadline(
  level: HazardLevel | null,
  hours: Partial<Record<HazardLevel, number | null>>,
  now = new Date(),
): Date | null {
  const value = level ? hours[level] : undefined
  if (value === undefined || value === null) return null
  return new Date(now.getTime() + value * 3600 * 1000)
}
