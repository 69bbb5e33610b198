/** Item keys of a checklist being edited: stable, unique, readable. */
import type { ChecklistItem, ChecklistSection } from '@/api/inspection'

/** A key no item of `sections` has yet, in the server's "s1i2" style. */
export function freshKey(
  sections: ChecklistSection[],
  sectionIndex: number,
): string {
  const used = new Set(sections.flatMap((s) => s.items.map((i) => i.key)))
  for (let n = 1; ; n++) {
    const key = `s${sectionIndex + 1}i${n}`
    if (!used.has(key)) return key
  }
}

/** The items before `target` (those a condition may refer to). */
export function itemsBefore(
  sections: ChecklistSection[],
  target: ChecklistItem,
): ChecklistItem[] {
  const out: ChecklistItem[] = []
  for (const section of sections) {
    for (const item of section.items) {
      if (item === target) return out
      out.push(item)
    }
  }
  return out
}
