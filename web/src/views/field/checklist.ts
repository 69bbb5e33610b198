/**
 * A point's checklist on the phone: which items show, which answers fail
 * (the server judges the same way), what a failing answer still needs, and
 * the result body sent through the outbox.
 */
import type {
  ChecklistItem,
  ChecklistOption,
  ChecklistSection,
} from '@/api/inspection'

/** The inspector's work on one point, before it is sent. */
export interface PointAnswers {
  /** Answer per item key; photos as local ids in `photos`. */
  values: Record<string, unknown>
  /** Note per failing item. */
  notes: Record<string, string>
  /** Local photo ids per item (photo items, signatures, failing evidence). */
  photos: Record<string, string[]>
  /** A note about the whole point. */
  note: string
}

export function emptyAnswers(): PointAnswers {
  return { values: {}, notes: {}, photos: {}, note: '' }
}

/** The checklist used when a task has none: one pass/fail item. */
export function defaultSections(label: string): ChecklistSection[] {
  return [
    {
      title: '',
      items: [
        {
          key: 's1i1',
          label,
          kind: 'pass_fail',
          required: true,
          on_fail: {
            require_note: true,
            propose_hazard: true,
            mark_abnormal: true,
          },
        },
      ],
    },
  ]
}

/** The answers of a pass/fail item: its own set, or pass / fail / n.a. */
export function passFailOptions(
  item: ChecklistItem,
  labels: { pass: string; fail: string; na: string },
): ChecklistOption[] {
  if (item.options?.length) return item.options
  return [
    { value: 'pass', label: labels.pass, color: '#2e9e4f' },
    { value: 'fail', label: labels.fail, color: '#d93026', failing: true },
    { value: 'na', label: labels.na, color: '#7a808a' },
  ]
}

/** Whether a number lies outside the item's normal range. */
export function outOfRange(item: ChecklistItem, value: unknown): boolean {
  if (typeof value !== 'number' || Number.isNaN(value)) return false
  if (typeof item.min === 'number' && value < item.min) return true
  return typeof item.max === 'number' && value > item.max
}

/** Whether `value` is a failing answer of `item` (as the server judges it). */
export function isFailing(item: ChecklistItem, value: unknown): boolean {
  if (value === 'fail') return true
  if (item.kind === 'number') return outOfRange(item, value)
  const failing = new Set(
    (item.options ?? []).filter((o) => o.failing).map((o) => o.value),
  )
  if (Array.isArray(value)) return value.some((v) => failing.has(String(v)))
  return typeof value === 'string' && failing.has(value)
}

function matches(expected: string | string[], actual: unknown): boolean {
  const wanted = Array.isArray(expected) ? expected : [expected]
  const given = Array.isArray(actual) ? actual : [actual]
  return given.some((v) => wanted.includes(String(v)))
}

/** Whether `item` shows, given the answers so far (its `show_if`). */
export function isVisible(
  item: ChecklistItem,
  values: Record<string, unknown>,
): boolean {
  if (!item.show_if) return true
  return matches(item.show_if.value, values[item.show_if.key])
}

/** The items that show, in order, with their section title. */
export function visibleItems(
  sections: ChecklistSection[],
  values: Record<string, unknown>,
): ChecklistItem[] {
  return sections.flatMap((section) =>
    section.items.filter((item) => isVisible(item, values)),
  )
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true
  return Array.isArray(value) && value.length === 0
}

export type Problem =
  | { key: string; kind: 'required' }
  | { key: string; kind: 'photos'; needed: number }
  | { key: string; kind: 'note' }

/** What still keeps the answers from being sent, item by item. */
export function problems(
  sections: ChecklistSection[],
  answers: PointAnswers,
): Problem[] {
  const out: Problem[] = []
  for (const item of visibleItems(sections, answers.values)) {
    const key = item.key ?? ''
    const photos = answers.photos[key]?.length ?? 0
    if (item.kind === 'photo') {
      const needed = Math.max(
        item.photo_count ?? 1,
        item.required === false ? 0 : 1,
      )
      if (photos < needed) out.push({ key, kind: 'photos', needed })
      continue
    }
    if (item.kind === 'signature') {
      if (item.required !== false && photos === 0)
        out.push({ key, kind: 'required' })
      continue
    }
    const value = answers.values[key]
    if (isEmpty(value)) {
      if (item.required !== false) out.push({ key, kind: 'required' })
      continue
    }
    if (!isFailing(item, value)) continue
    if (item.on_fail?.require_note && !answers.notes[key]?.trim()) {
      out.push({ key, kind: 'note' })
    }
    if (item.on_fail?.require_photo && photos === 0) {
      out.push({ key, kind: 'photos', needed: 1 })
    }
  }
  return out
}

/** The failing items among the visible ones. */
export function failingItems(
  sections: ChecklistSection[],
  values: Record<string, unknown>,
): ChecklistItem[] {
  return visibleItems(sections, values).filter((item) =>
    isFailing(item, values[item.key ?? '']),
  )
}

const photoRefs = (ids: string[] = []) => ids.map((id) => ({ $photo: id }))

/**
 * The `answers` and `note` of a result: visible items only; photo items and
 * signatures as photo references; notes and photos of failing items under
 * `_evidence`; the notes also joined into `note` (the server asks for one).
 */
export function resultBody(
  sections: ChecklistSection[],
  answers: PointAnswers,
): { answers: Record<string, unknown>; note: string; photoIds: string[] } {
  const out: Record<string, unknown> = {}
  const evidence: Record<string, unknown> = {}
  const notes: string[] = []
  const photoIds: string[] = []
  for (const item of visibleItems(sections, answers.values)) {
    const key = item.key ?? ''
    const photos = answers.photos[key] ?? []
    photoIds.push(...photos)
    if (item.kind === 'photo') out[key] = photoRefs(photos)
    else if (item.kind === 'signature') out[key] = photoRefs(photos)[0] ?? null
    else if (!isEmpty(answers.values[key])) out[key] = answers.values[key]

    const note = answers.notes[key]?.trim()
    const failing = isFailing(item, answers.values[key])
    if (failing && note) notes.push(`${item.label}：${note}`)
    if (failing && (note || (photos.length && item.kind !== 'photo'))) {
      evidence[key] = { note: note ?? '', photos: photoRefs(photos) }
    }
  }
  if (Object.keys(evidence).length) out._evidence = evidence
  if (answers.note.trim()) notes.push(answers.note.trim())
  return { answers: out, note: notes.join('；'), photoIds }
}
