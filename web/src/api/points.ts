/** Inspection points: tagged places with a position and a checklist. */
import { apiUrl, http, type Page, type PageQuery } from './client'

export const POINT_KINDS = [
  'equipment',
  'pipeline',
  'electrical',
  'fire',
  'storage',
  'passage',
  'special_work',
  'other',
] as const

export type PointKind = (typeof POINT_KINDS)[number]

export interface Point {
  id: number
  org_unit_id: number
  area_id: number | null
  area_name?: string | null
  code: string
  name: string
  kind: PointKind
  description?: string
  x: number | null
  y: number | null
  responsible_user_id: number | null
  responsible_name: string | null
  nfc_uid: string | null
  latitude: number | null
  longitude: number | null
  radius_m: number | null
  active: boolean
  version?: number
}

export interface PointQuery extends PageQuery {
  org_unit_id?: number
  area_id?: number
  q?: string
  kind?: PointKind
  active?: boolean
}

export type PointInput = Omit<
  Point,
  'id' | 'area_name' | 'responsible_name' | 'active' | 'version'
>

export type PointPatch = Partial<Omit<PointInput, 'org_unit_id'>> & {
  active?: boolean
  version?: number
}

export function listPoints(query: PointQuery) {
  return http.get<Page<Point>>('/points', { ...query })
}

export function getPoint(id: number) {
  return http.get<Point>(`/points/${id}`)
}

export function createPoint(input: PointInput) {
  return http.post<Point>('/points', input)
}

export function updatePoint(id: number, patch: PointPatch) {
  return http.patch<Point>(`/points/${id}`, patch)
}

/** Address of the point's QR code image. */
export function pointQrUrl(id: number) {
  return apiUrl(`/points/${id}/qr.svg`)
}

/** Address of the printable label sheet for the given points. */
export function pointLabelsUrl(ids: number[]) {
  return apiUrl('/points/labels', { ids: ids.join(',') })
}
