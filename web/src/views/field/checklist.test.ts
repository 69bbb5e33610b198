import { describe, expect, it } from 'vitest'

import type { ChecklistSection } from '@/api/inspection'

import {
  emptyAnswers,
  failingItems,
  isFailing,
  isVisible,
  problems,
  resultBody,
} from './checklist'

const sections: ChecklistSection[] = [
  {
    title: '储罐',
    items: [
      {
        key: 'leak',
        label: '罐体无渗漏',
        kind: 'pass_fail',
        on_fail: {
          require_note: true,
          require_photo: true,
          propose_hazard: true,
        },
      },
      {
        key: 'level',
        label: '液位',
        kind: 'number',
        unit: '%',
        min: 10,
        max: 85,
      },
      {
        key: 'where',
        label: '渗漏部位',
        kind: 'choice',
        show_if: { key: 'leak', value: 'fail' },
        options: [
          { value: 'flange', label: '法兰' },
          { value: 'body', label: '罐体', failing: true },
        ],
      },
      { key: 'pics', label: '现场照片', kind: 'photo', photo_count: 2 },
      { key: 'remark', label: '备注', kind: 'text', required: false },
    ],
  },
]

describe('isFailing', () => {
  it('judges fail answers, numbers outside the range and failing options', () => {
    const [leak, level, where] = sections[0].items

    expect(isFailing(leak, 'fail')).toBe(true)
    expect(isFailing(leak, 'pass')).toBe(false)
    expect(isFailing(level, 95)).toBe(true)
    expect(isFailing(level, 50)).toBe(false)
    expect(isFailing(where, 'body')).toBe(true)
    expect(isFailing(where, ['flange', 'body'])).toBe(true)
    expect(isFailing(where, 'flange')).toBe(false)
  })
})

describe('isVisible', () => {
  it('shows a conditional item only after the answer it waits for', () => {
    const where = sections[0].items[2]

    expect(isVisible(where, {})).toBe(false)
    expect(isVisible(where, { leak: 'pass' })).toBe(false)
    expect(isVisible(where, { leak: 'fail' })).toBe(true)
  })
})

describe('problems', () => {
  it('lists missing answers, photos and the notes of failing items', () => {
    const answers = emptyAnswers()
    answers.values = { leak: 'fail', level: 50 }
    answers.photos = { pics: ['p1'] }

    expect(problems(sections, answers)).toEqual([
      { key: 'leak', kind: 'note' },
      { key: 'leak', kind: 'photos', needed: 1 },
      { key: 'where', kind: 'required' },
      { key: 'pics', kind: 'photos', needed: 2 },
    ])
  })

  it('is empty when everything needed is there', () => {
    const answers = emptyAnswers()
    answers.values = { leak: 'pass', level: 50 }
    answers.photos = { pics: ['p1', 'p2'] }

    expect(problems(sections, answers)).toEqual([])
  })
})

describe('resultBody', () => {
  it('sends visible answers, photo references and the failing evidence', () => {
    const answers = emptyAnswers()
    answers.values = { leak: 'fail', level: 95, where: 'flange', remark: '' }
    answers.notes = { leak: '法兰渗漏', level: '' }
    answers.photos = { leak: ['e1'], pics: ['p1', 'p2'] }
    answers.note = '已通知班长'

    const body = resultBody(sections, answers)

    expect(body.answers).toEqual({
      leak: 'fail',
      level: 95,
      where: 'flange',
      pics: [{ $photo: 'p1' }, { $photo: 'p2' }],
      _evidence: { leak: { note: '法兰渗漏', photos: [{ $photo: 'e1' }] } },
    })
    expect(body.note).toBe('罐体无渗漏：法兰渗漏；已通知班长')
    expect(body.photoIds).toEqual(['e1', 'p1', 'p2'])
    expect(failingItems(sections, answers.values).map((i) => i.key)).toEqual([
      'leak',
      'level',
    ])
  })
})
