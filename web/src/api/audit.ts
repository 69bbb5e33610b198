/** The append-only audit trail (read by the audit administrator). */
import { apiUrl, http, type Page, type PageQuery } from './client'

export interface AuditEntry {
  seq: number
  at: string
  actor_id: number | null
  actor_name: string | null
  ip: string | null
  action: string
  object_type: string | null
  object_id: string | number | null
  before: unknown
  after: unknown
  request_id: string | null
}

export interface AuditFilter {
  actor?: string
  action?: string
  object_type?: string
  object_id?: string
  /** RFC 3339 instants in UTC. */
  from?: string
  to?: string
}

export function listAudit(filter: AuditFilter, paging: PageQuery) {
  return http.get<Page<AuditEntry>>('/audit', { ...filter, ...paging })
}

/** Address of the CSV export of the entries matching `filter`. */
export function auditExportUrl(filter: AuditFilter) {
  return apiUrl('/audit/export', { ...filter, format: 'csv' })
}
