/**
 * Hazard configuration: the category dictionary and the deadline rules per
 * level and org unit (inherited down the tree). Needs hazard.configure.
 */
import { http, request } from './client'
import { HAZARD_LEVELS, type HazardLevel } from './hazards'

export interface HazardCategoryRow {
  code: string
  name: string
  name_en: string
  sort_order: number
  active: boolean
}

export interface HazardCategoryInput {
  code: string
  name: string
  name_en?: string
  sort_order?: number
}

export type HazardCategoryPatch = Partial<
  Pick<HazardCategoryRow, 'name' | 'name_en' | 'sort_order' | 'active'>
>

export interface DeadlineRule {
  id: number
  /** null: the product default. */
  org_unit_id: number | null
  org_unit_name: string | null
  level: HazardLevel
  /** null: the deadline comes from the governance plan. */
  hours: number | null
}

export interface DeadlineRules {
  items: DeadlineRule[]
  effective: Partial<Record<HazardLevel, number | null>>
}

/** Every category, deactivated ones included, for the configuration page. */
export async function listCategoryRows() {
  const answer = await http.get<{ items: HazardCategoryRow[] }>(
    '/hazard-categories?include_inactive=true',
  )
  return answer.items
}

export function createCategory(input: HazardCategoryInput) {
  return http.post<HazardCategoryRow>('/hazard-categories', input)
}

/** Code is immutable: rename, reorder, deactivate or activate. */
export function updateCategory(code: string, patch: HazardCategoryPatch) {
  return http.patch<HazardCategoryRow>(
    `/hazard-categories/${encodeURIComponent(code)}`,
    patch,
  )
}

export async function listDeadlineRules(orgUnitId: number) {
  const answer = await http.get<Partial<DeadlineRules>>(
    '/hazard-deadline-rules',
    { org_unit_id: orgUnitId },
  )
  return { items: answer.items ?? [], effective: answer.effective ?? {} }
}

/** Creates or replaces the rule of (unit, level); hours null: from the plan. */
export function putDeadlineRule(
  orgUnitId: number,
  level: HazardLevel,
  hours: number | null,
) {
  return http.put<DeadlineRule>('/hazard-deadline-rules', {
    org_unit_id: orgUnitId,
    level,
    hours,
  })
}

/** Removes a unit's own rule: the unit inherits again. */
export function deleteDeadlineRule(id: number) {
  return request<void>('DELETE', `/hazard-deadline-rules/${id}`)
}

/** Where the deadline in force at a unit comes from. */
export type RuleOrigin =
  | { kind: 'own'; rule: DeadlineRule }
  | { kind: 'inherited'; rule: DeadlineRule }
  | { kind: 'default'; rule: DeadlineRule | null }
  /** From a unit above the caller's scope (not listed). */
  | { kind: 'above' }

export interface ResolvedLevel {
  level: HazardLevel
  hours: number | null
  origin: RuleOrigin
  own: DeadlineRule | null
}

/**
 * Per level, the rule in force at `unitId`: its own, the nearest one up the
 * chain `ancestors` (nearest first, the unit itself excluded), or the product
 * default. `effective` (the server's answer) wins on the value; when it
 * disagrees with the listed rules, the rule sits above the caller's scope.
 */
export function resolveDeadlines(
  unitId: number,
  ancestors: number[],
  rules: DeadlineRule[],
  effective: Partial<Record<HazardLevel, number | null>>,
): ResolvedLevel[] {
  const find = (unit: number | null, level: HazardLevel) =>
    rules.find((r) => r.org_unit_id === unit && r.level === level) ?? null
  return HAZARD_LEVELS.map((level) => {
    const own = find(unitId, level)
    let origin: RuleOrigin
    if (own) {
      origin = { kind: 'own', rule: own }
    } else {
      const up = ancestors.map((id) => find(id, level)).find((r) => r !== null)
      origin = up
        ? { kind: 'inherited', rule: up }
        : { kind: 'default', rule: find(null, level) }
    }
    const listed = 'rule' in origin ? (origin.rule?.hours ?? null) : null
    const hours = level in effective ? (effective[level] ?? null) : listed
    if (hours !== listed) origin = { kind: 'above' }
    return { level, hours, origin, own }
  })
}

/** Hours as whole days when they divide evenly. */
export function splitHours(hours: number): {
  amount: number
  unit: 'days' | 'hours'
} {
  return hours % 24 === 0
    ? { amount: hours / 24, unit: 'days' }
    : { amount: hours, unit: 'hours' }
}
