/** Alerts (告警): the live list, detail, people's actions, and silences. */
import { http, type Page, type PageQuery } from './client'
import type { HazardLevel } from './hazards'

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]
export type AlertLevel = HazardLevel
export type AlertResolution = 'hazard' | 'rejected' | 'source_resolved'

export interface Alert {
  id: number
  fingerprint: string
  rule: string
  source: string
  level: AlertLevel
  base_level: AlertLevel
  status: AlertStatus
  resolution: AlertResolution | null
  reject_reason: string | null
  hazard_id: number | null
  count: number
  first_seen: string
  last_seen: string
  org_unit_id: number
  area_id: number | null
  point_id: number | null
  camera_id: string | null
  labels: Record<string, string>
  annotations: Record<string, unknown>
  latest_event_id: number | null
  latest_payload: Record<string, unknown>
  latest_file_ids: number[]
  latest_confidence: number | null
  silenced: boolean
  acknowledged_by: number | null
  acknowledged_at: string | null
  resolved_by: number | null
  resolved_at: string | null
  version: number
  created_at: string
  updated_at: string
}

export interface AlertHistoryEntry {
  action: string
  from_status: AlertStatus | null
  to_status: AlertStatus
  level: AlertLevel
  actor_id: number | null
  actor_name: string | null
  note: string
  at: string
}

export interface AlertEvent {
  id: number
  level: AlertLevel
  occurred_at: string
  received_at: string
  confidence: number | null
  file_ids: number[]
  silenced: boolean
}

export interface AlertDetail extends Alert {
  history: AlertHistoryEntry[]
  recent_events: AlertEvent[]
}

export interface AlertQuery extends PageQuery {
  status?: AlertStatus
  level?: AlertLevel
  rule?: string
  org_unit_id?: number
  active?: boolean
}

export function listAlerts(query: AlertQuery) {
  return http.get<Page<Alert>>('/alerts', { ...query })
}

export function getAlert(id: number) {
  return http.get<AlertDetail>(`/alerts/${id}`)
}

export type AlertAction = 'acknowledge' | 'resolve' | 'reject'

/** acknowledge / resolve take a note, reject a reason; all the version. */
export function actOnAlert(
  id: number,
  action: AlertAction,
  body: { version: number; note?: string; reason?: string },
) {
  return http.post<AlertDetail>(`/alerts/${id}/actions/${action}`, body)
}

export interface ToHazardInput {
  version: number
  title?: string
  description?: string
  level?: AlertLevel
  category?: string
}

/** Reports a hazard from the alert (location and evidence carried over). */
export function alertToHazard(id: number, input: ToHazardInput) {
  return http.post<AlertDetail>(`/alerts/${id}/actions/to_hazard`, input)
}

export interface SilenceMatcher {
  name: string
  value: string
  is_equal: boolean
}

export type SilenceState = 'active' | 'pending' | 'expired'

export interface Silence {
  id: number
  matchers: SilenceMatcher[]
  starts_at: string
  ends_at: string
  active: boolean
  state: SilenceState
  creator_id: number
  creator_name: string
  reason: string
  org_unit_id: number
  expired_by: number | null
  version: number
  created_at: string
  updated_at: string
}

export interface SilenceInput {
  matchers: SilenceMatcher[]
  starts_at: string
  ends_at: string
  reason: string
  org_unit_id?: number
}

export function listSilences(active?: boolean) {
  return http.get<{ items: Silence[]; total: number }>('/silences', { active })
}

export function createSilence(input: SilenceInput) {
  return http.post<Silence>('/silences', input)
}

export function expireSilence(id: number) {
  return http.post<Silence>(`/silences/${id}/expire`)
}
