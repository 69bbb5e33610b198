/**
 * Routing rules and escalation policy of an org unit: who an alert of each
 * level reaches, and when an unacknowledged one climbs the org tree.
 */
import { http } from './client'
import { HAZARD_LEVELS, type HazardLevel } from './hazards'

export const ROUTING_LEVELS = HAZARD_LEVELS
export type RoutingLevel = HazardLevel

export const REACHES = [
  'unit',
  'nearest',
  'plant_and_above',
  'unit_and_above',
] as const
export type Reach = (typeof REACHES)[number]

/** Where a rule or policy comes from: the unit's own row, or inherited. */
interface Source {
  own: boolean
  /** null: the product default. */
  source_unit_id: number | null
  source_unit_name: string | null
  /** The own row's version; null when inherited. */
  version: number | null
}

export interface NamedUser {
  id: number
  display_name: string
}

export interface RoutingRule extends Source {
  roles: string[]
  reach: Reach
  user_ids: number[]
  users: NamedUser[]
  responsible: boolean
  popup: boolean
}

export interface EscalationPolicy extends Source {
  escalate_after_s: number
  max_reminders: number
  roles: string[]
  supervise_after_s: number
}

export interface UnitRecipients {
  org_unit_id: number
  org_unit_name: string
  users: NamedUser[]
}

export interface LevelConfig {
  level: RoutingLevel
  routing: RoutingRule
  escalation: EscalationPolicy
  recipients: UnitRecipients[]
}

export interface RoleOption {
  code: string
  name: string
  name_en: string
}

export interface RoutingConfig {
  org_unit_id: number
  org_unit_name: string
  levels: LevelConfig[]
  role_options: RoleOption[]
}

export interface RoutingInput {
  roles: string[]
  reach: Reach
  user_ids: number[]
  responsible: boolean
  popup: boolean
  version?: number
}

export interface EscalationInput {
  escalate_after_s: number
  max_reminders: number
  roles: string[]
  supervise_after_s: number
  version?: number
}

/** One level of a PUT: an object sets the own row, null clears it. */
export interface LevelInput {
  level: RoutingLevel
  routing?: RoutingInput | null
  escalation?: EscalationInput | null
}

export function getAlertRouting(unitId: number) {
  return http.get<RoutingConfig>(`/org-units/${unitId}/alert-routing`)
}

export function putAlertRouting(unitId: number, levels: LevelInput[]) {
  return http.put<RoutingConfig>(`/org-units/${unitId}/alert-routing`, {
    levels,
  })
}

/** A level as the form edits it: times in minutes and hours. */
export interface LevelForm {
  level: RoutingLevel
  routingOwn: boolean
  routing: Omit<RoutingInput, 'version'>
  routingVersion: number | null
  escalationOwn: boolean
  escalateAfterMinutes: number
  maxReminders: number
  escalationRoles: string[]
  superviseAfterHours: number
  escalationVersion: number | null
  /** The seconds as loaded, kept when the rounded field was not changed. */
  loadedAfterS: number
  loadedSuperviseS: number
}

/** The form of one level, filled with the values in force. */
export function toLevelForm(c: LevelConfig): LevelForm {
  const r = c.routing
  const e = c.escalation
  return {
    level: c.level,
    routingOwn: r.own,
    routing: {
      roles: [...r.roles],
      reach: r.reach,
      user_ids: [...r.user_ids],
      responsible: r.responsible,
      popup: r.popup,
    },
    routingVersion: r.version,
    escalationOwn: e.own,
    escalateAfterMinutes: Math.round(e.escalate_after_s / 60),
    maxReminders: e.max_reminders,
    escalationRoles: [...e.roles],
    superviseAfterHours: Math.round(e.supervise_after_s / 3600),
    escalationVersion: e.version,
    loadedAfterS: e.escalate_after_s,
    loadedSuperviseS: e.supervise_after_s,
  }
}

/** Seconds for `value` in `unit`-second steps, keeping `loaded` if unchanged. */
function seconds(value: number, unit: number, loaded: number): number {
  return Math.round(loaded / unit) === value ? loaded : value * unit
}

/** The PUT body of one level: own rows set, inherited ones cleared. */
export function toLevelInput(f: LevelForm): LevelInput {
  const routing: RoutingInput | null = f.routingOwn
    ? {
        ...f.routing,
        ...(f.routingVersion !== null ? { version: f.routingVersion } : {}),
      }
    : null
  const escalation: EscalationInput | null = f.escalationOwn
    ? {
        escalate_after_s: seconds(f.escalateAfterMinutes, 60, f.loadedAfterS),
        max_reminders: f.maxReminders,
        roles: [...f.escalationRoles],
        supervise_after_s: seconds(
          f.superviseAfterHours,
          3600,
          f.loadedSuperviseS,
        ),
        ...(f.escalationVersion !== null
          ? { version: f.escalationVersion }
          : {}),
      }
    : null
  return { level: f.level, routing, escalation }
}
