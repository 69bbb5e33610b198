/**
 * The plan editor's state and how it becomes the API's plan body, the
 * preview request, or comes back from a stored plan.
 */
import type {
  Plan,
  PlanInput,
  PlanKind,
  PlanPreviewInput,
} from '@/api/inspection'

import {
  buildRrule,
  defaultRule,
  localInstant,
  parseRrule,
  planDtstart,
  timesProblem,
  type RuleForm,
} from './rrule'

export interface PlanForm {
  name: string
  kind: PlanKind
  org_unit_id: number | null
  target: 'points' | 'route'
  route_id: number | null
  point_ids: number[]
  template_id: number | null
  assign: 'users' | 'role'
  assignee_ids: number[]
  assignee_role: string
  startDate: string
  rule: RuleForm
  /** Edit the RRULE text directly (rules beyond the builder). */
  raw: boolean
  rrule: string
  duration_minutes: number
  grace_minutes: number
  effective_until: string
}

const pad = (n: number) => String(n).padStart(2, '0')
const localDay = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

export function emptyPlanForm(
  orgUnitId: number | null,
  today = new Date(),
): PlanForm {
  return {
    name: '',
    kind: 'daily',
    org_unit_id: orgUnitId,
    target: 'points',
    route_id: null,
    point_ids: [],
    template_id: null,
    assign: 'users',
    assignee_ids: [],
    assignee_role: 'inspector',
    startDate: localDay(today),
    rule: defaultRule(),
    raw: false,
    rrule: '',
    duration_minutes: 60,
    grace_minutes: 30,
    effective_until: '',
  }
}

/** The editor's state for a stored plan. */
export function planToForm(plan: Plan): PlanForm {
  const rule = parseRrule(plan.rrule)
  const start = new Date(plan.dtstart)
  if (rule?.freq === 'hourly') {
    rule.times = [`${pad(start.getHours())}:${pad(start.getMinutes())}`]
  }
  return {
    ...emptyPlanForm(plan.org_unit_id),
    name: plan.name,
    kind: plan.kind,
    target: plan.route_id ? 'route' : 'points',
    route_id: plan.route_id,
    point_ids: plan.point_ids,
    template_id: plan.template_id,
    assign: plan.assignee_role ? 'role' : 'users',
    assignee_ids: plan.assignee_ids,
    assignee_role: plan.assignee_role ?? 'inspector',
    startDate: localDay(start),
    rule: rule ?? defaultRule(),
    raw: !rule,
    rrule: plan.rrule,
    duration_minutes: plan.duration_minutes,
    grace_minutes: plan.grace_minutes,
    effective_until: plan.effective_until
      ? localDay(new Date(plan.effective_until))
      : '',
  }
}

/** The RRULE and dtstart the form stands for; null while the rule is incomplete. */
export function schedule(
  form: PlanForm,
  timeZone: string,
): { rrule: string; dtstart: string } | null {
  if (!form.startDate) return null
  if (form.raw) {
    if (!form.rrule.trim()) return null
    return {
      rrule: form.rrule.trim(),
      dtstart: localInstant(form.startDate, '00:00', timeZone),
    }
  }
  if (timesProblem(form.rule)) return null
  return {
    rrule: buildRrule(form.rule),
    dtstart: planDtstart(form.rule, form.startDate, timeZone),
  }
}

export function previewInput(
  form: PlanForm,
  timeZone: string,
): PlanPreviewInput | null {
  const s = schedule(form, timeZone)
  if (!s) return null
  return {
    ...s,
    org_unit_id: form.org_unit_id ?? undefined,
    duration_minutes: form.duration_minutes,
    grace_minutes: form.grace_minutes,
  }
}

/** The body of POST /plans (and, with nulls for cleared fields, of PATCH). */
export function planBody(form: PlanForm, timeZone: string): PlanInput {
  const s = schedule(form, timeZone) ?? { rrule: form.rrule, dtstart: '' }
  const byRoute = form.target === 'route'
  const byRole = form.assign === 'role'
  return {
    name: form.name.trim(),
    kind: form.kind,
    org_unit_id: form.org_unit_id ?? undefined,
    route_id: byRoute ? (form.route_id ?? undefined) : undefined,
    point_ids: byRoute ? [] : form.point_ids,
    template_id: form.template_id ?? undefined,
    assignee_ids: byRole ? [] : form.assignee_ids,
    assignee_role: byRole ? form.assignee_role : undefined,
    rrule: s.rrule,
    dtstart: s.dtstart,
    duration_minutes: form.duration_minutes,
    grace_minutes: form.grace_minutes,
    effective_until: form.effective_until
      ? localInstant(form.effective_until, '23:59', timeZone)
      : undefined,
  }
}
