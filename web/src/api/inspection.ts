/**
 * Inspection (巡检): checklist templates, routes, plans with their RRULE
 * preview, tasks, task flags and the offline sync of check-ins and results.
 */
import { fetchAll, http, request, type Page, type PageQuery } from './client'

// ---- checklist templates ---------------------------------------------------

export const ITEM_KINDS = [
  'pass_fail',
  'number',
  'choice',
  'multi_choice',
  'text',
  'datetime',
  'photo',
  'signature',
] as const
export type ItemKind = (typeof ITEM_KINDS)[number]

/** One answer of a choice item or of a custom pass/fail answer set. */
export interface ChecklistOption {
  value: string
  label: string
  color?: string
  failing?: boolean
}

/** What a failing answer asks for. */
export interface OnFail {
  require_photo?: boolean
  require_note?: boolean
  propose_hazard?: boolean
  mark_abnormal?: boolean
  /** Pre-filled on the proposed hazard. */
  hazard_category?: string
  hazard_level?: string
}

export interface ChecklistItem {
  key?: string
  label: string
  kind: ItemKind
  /** 判定标准: how to judge the item. */
  criterion?: string
  required?: boolean
  unit?: string
  min?: number
  max?: number
  options?: ChecklistOption[]
  /** Photos needed by a photo item. */
  photo_count?: number
  /** Shown only when an earlier item's answer is (one of) `value`. */
  show_if?: { key: string; value: string | string[] }
  on_fail?: OnFail
}

export interface ChecklistSection {
  title: string
  items: ChecklistItem[]
}

export interface ChecklistTemplate {
  id: number
  org_unit_id: number
  name: string
  description: string
  latest_version: number
  version_no: number
  version_id: number
  sections: ChecklistSection[]
  active: boolean
  version: number
  created_at: string
  updated_at: string
}

export interface ChecklistTemplateInput {
  org_unit_id: number
  name: string
  description?: string
  sections: ChecklistSection[]
}

export type ChecklistTemplatePatch = Partial<
  Omit<ChecklistTemplateInput, 'org_unit_id'>
> & { active?: boolean; version?: number }

export function listTemplates(query: PageQuery = {}) {
  return http.get<Page<ChecklistTemplate>>('/checklist-templates', {
    ...query,
  })
}

export function allTemplates() {
  return fetchAll<ChecklistTemplate>('/checklist-templates')
}

/** The latest version, or `version` when given. */
export function getTemplate(id: number, version?: number) {
  return http.get<ChecklistTemplate>(`/checklist-templates/${id}`, { version })
}

export function createTemplate(input: ChecklistTemplateInput) {
  return http.post<ChecklistTemplate>('/checklist-templates', input)
}

/** Changed sections publish a new version; tasks keep the one they had. */
export function updateTemplate(id: number, patch: ChecklistTemplatePatch) {
  return http.patch<ChecklistTemplate>(`/checklist-templates/${id}`, patch)
}

// ---- routes ------------------------------------------------------------------

export interface InspectionRoute {
  id: number
  org_unit_id: number
  name: string
  enforce_order: boolean
  point_ids: number[]
  active: boolean
  version: number
}

export interface InspectionRouteInput {
  org_unit_id: number
  name: string
  enforce_order: boolean
  point_ids: number[]
}

export type InspectionRoutePatch = Partial<
  Omit<InspectionRouteInput, 'org_unit_id'>
> & { active?: boolean; version?: number }

export function listRoutes(query: PageQuery = {}) {
  return http.get<Page<InspectionRoute>>('/inspection-routes', { ...query })
}

export function allRoutes() {
  return fetchAll<InspectionRoute>('/inspection-routes')
}

export function createRoute(input: InspectionRouteInput) {
  return http.post<InspectionRoute>('/inspection-routes', input)
}

export function updateRoute(id: number, patch: InspectionRoutePatch) {
  return http.patch<InspectionRoute>(`/inspection-routes/${id}`, patch)
}

// ---- plans -------------------------------------------------------------------

export const PLAN_KINDS = [
  'daily',
  'special',
  'holiday',
  'special_period',
] as const
export type PlanKind = (typeof PLAN_KINDS)[number]

export interface Plan {
  id: number
  org_unit_id: number
  name: string
  kind: PlanKind
  route_id: number | null
  template_id: number | null
  point_ids: number[]
  assignee_ids: number[]
  assignee_role: string | null
  assignee_unit_id: number | null
  rrule: string
  dtstart: string
  timezone: string
  exdates: string[]
  duration_minutes: number
  grace_minutes: number
  effective_until: string | null
  active: boolean
  generated_until: string
  /** The rule in plain Chinese. */
  description: string
  version: number
  created_at: string
  updated_at: string
}

export interface PlanInput {
  name: string
  kind: PlanKind
  org_unit_id?: number
  route_id?: number
  point_ids?: number[]
  template_id?: number
  assignee_ids?: number[]
  assignee_role?: string
  assignee_unit_id?: number
  rrule: string
  dtstart: string
  exdates?: string[]
  duration_minutes: number
  grace_minutes: number
  effective_until?: string
}

/** Fields to change; null clears an optional one (route, template, role, end). */
export type PlanPatch = { [K in keyof PlanInput]?: PlanInput[K] | null } & {
  active?: boolean
  version?: number
}

export interface PlanQuery extends PageQuery {
  kind?: PlanKind
  active?: boolean
  org_unit_id?: number
  q?: string
}

export interface Occurrence {
  start: string
  due: string
  grace_until: string
}

export interface Occurrences {
  items: Occurrence[]
  description: string
  timezone: string
}

export interface PlanPreviewInput {
  rrule: string
  dtstart: string
  org_unit_id?: number
  exdates?: string[]
  duration_minutes?: number
  grace_minutes?: number
  count?: number
}

/** A default plan of the hazardous-chemicals guideline. */
export interface PlanTemplate {
  code: string
  name: string
  kind: PlanKind
  rrule: string
  duration_minutes: number
  grace_minutes: number
  basis: string
}

export function listPlans(query: PlanQuery) {
  return http.get<Page<Plan>>('/plans', { ...query })
}

export function allPlans() {
  return fetchAll<Plan>('/plans')
}

export function getPlan(id: number) {
  return http.get<Plan>(`/plans/${id}`)
}

export function createPlan(input: PlanInput) {
  return http.post<Plan>('/plans', input)
}

/** Updates, pauses (active false) or resumes a plan. */
export function updatePlan(id: number, patch: PlanPatch) {
  return http.patch<Plan>(`/plans/${id}`, patch)
}

/** The rule in words and its next occurrences, before saving. */
export function previewPlan(input: PlanPreviewInput) {
  return http.post<Occurrences>('/plans/preview', input)
}

export function planOccurrences(id: number, count = 10) {
  return http.get<Occurrences>(`/plans/${id}/occurrences`, { count })
}

/** Creates the plan's tasks now, up to `horizonHours` ahead. */
export function generatePlan(id: number, horizonHours = 48) {
  return request<{ created: number }>('POST', `/plans/${id}/generate`, {
    query: { horizon_hours: horizonHours },
    body: {},
  })
}

export async function listPlanTemplates() {
  const answer = await http.get<{ items: PlanTemplate[] }>('/plan-templates')
  return answer.items
}

// ---- tasks -------------------------------------------------------------------

export const TASK_STATUSES = [
  'pending',
  'in_progress',
  'completed',
  'missed',
  'cancelled',
] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

export interface TaskPoint {
  seq: number
  point_id: number
  code: string
  name: string
  checked_in_at: string | null
  result_at: string | null
  /** Only in the task detail: what the phone needs offline. */
  latitude?: number | null
  longitude?: number | null
  radius_m?: number | null
  nfc_uid?: string | null
  qr_sha256?: string
}

export interface Task {
  id: number
  plan_id: number | null
  org_unit_id: number
  title: string
  start: string
  due: string
  grace_until: string
  status: TaskStatus
  late: boolean
  urgent: boolean
  template_version_id: number | null
  started_at: string | null
  completed_at: string | null
  cancel_reason: string | null
  version: number
  created_at: string
  point_ids: number[]
  points: TaskPoint[]
  assignee_ids: number[]
}

export interface CheckIn {
  id: number
  point_id: number
  user_id: number
  method: CheckInMethod
  flagged: boolean
  reason: string | null
  distance_m: number | null
  accuracy_m: number | null
  device_time: string | null
  server_time: string
}

export interface TaskResult {
  id: number
  point_id: number
  user_id: number
  answers: Record<string, unknown>
  abnormal: boolean
  note: string
  device_time: string | null
  server_time: string
}

export interface TaskChecklist {
  template_id: number
  name: string
  version_no: number
  sections: ChecklistSection[]
}

export interface TaskDetail extends Task {
  checklist: TaskChecklist | null
  check_ins: CheckIn[]
  results: TaskResult[]
}

export interface TaskQuery extends PageQuery {
  status?: TaskStatus
  plan_id?: number
  from?: string
  to?: string
  assignee_id?: number
}

export interface AdHocTaskInput {
  title: string
  point_ids: number[]
  assignee_ids: number[]
  template_id?: number
  start?: string
  duration_minutes?: number
  grace_minutes?: number
  urgent?: boolean
}

export function listTasks(query: TaskQuery) {
  return http.get<Page<Task>>('/tasks', { ...query })
}

export function getTask(id: number) {
  return http.get<TaskDetail>(`/tasks/${id}`)
}

/** Dispatches an ad hoc task now (urgent by default). */
export function createTask(input: AdHocTaskInput) {
  return http.post<Task>('/tasks', input)
}

export function cancelTask(id: number, reason: string) {
  return http.post<Task>(`/tasks/${id}/cancel`, { reason })
}

export function reassignTask(
  id: number,
  assigneeIds: number[],
  reason: string,
) {
  return http.post<Task>(`/tasks/${id}/reassign`, {
    assignee_ids: assigneeIds,
    reason,
  })
}

export const FLAG_KINDS = ['missed', 'late', 'manual_check_in'] as const
export type FlagKind = (typeof FLAG_KINDS)[number]

export interface TaskFlag {
  id: number
  task_id: number
  kind: FlagKind
  org_unit_id: number
  detail: string
  created_at: string
  consumed_at: string | null
  title: string
  plan_id: number | null
  start: string
  due: string
}

export interface TaskFlagQuery extends PageQuery {
  kind?: FlagKind
  unconsumed?: boolean
}

export function listTaskFlags(query: TaskFlagQuery) {
  return http.get<Page<TaskFlag>>('/task-flags', { ...query })
}

// ---- the field sync ------------------------------------------------------------

export const CHECK_IN_METHODS = ['qr', 'nfc', 'gps', 'manual'] as const
export type CheckInMethod = (typeof CHECK_IN_METHODS)[number]

export interface CheckInItem {
  client_id: string
  kind: 'check_in'
  task_id: number
  point_id: number
  method: CheckInMethod
  payload?: string
  nfc_uid?: string
  latitude?: number
  longitude?: number
  accuracy_m?: number
  reason?: string
  device_time: string
}

export interface ResultItem {
  client_id: string
  kind: 'result'
  task_id: number
  point_id: number
  answers: Record<string, unknown>
  note?: string
  abnormal?: boolean
  device_time: string
}

export type SyncItem = CheckInItem | ResultItem

export interface SyncOutcome {
  client_id: string
  kind: string
  status: 'stored' | 'duplicate' | 'rejected'
  code?: string
  message?: string
  failing?: string[]
  propose_hazard?: string[]
  abnormal?: boolean
}

export interface SyncAnswer {
  items: SyncOutcome[]
  stored: number
  duplicates: number
  rejected: number
  server_time: string
}

/** Uploads queued work; each item answers stored, duplicate or rejected. */
export function sync(items: SyncItem[]) {
  return http.post<SyncAnswer>('/sync', { items })
}

// ---- helpers -----------------------------------------------------------------

/** The local calendar day of `now` as [start, end) RFC 3339 instants. */
export function dayRange(now: Date): { from: string; to: string } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate())
  const end = new Date(start)
  end.setDate(end.getDate() + 1)
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return { from: iso(start), to: iso(end) }
}

/** Points done (checked in and answered) out of all points of `task`. */
export function taskProgress(task: Pick<Task, 'points'>): {
  done: number
  total: number
} {
  const done = task.points.filter((p) => p.checked_in_at && p.result_at).length
  return { done, total: task.points.length }
}

/** Whether the task can still be worked on from the phone. */
export function isOpen(task: Pick<Task, 'status'>): boolean {
  return task.status === 'pending' || task.status === 'in_progress'
}
