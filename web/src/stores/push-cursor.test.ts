import { describe, expect, it } from 'vitest'

import { PushCursor, SETTLE_MS } from './push-cursor'

describe('PushCursor', () => {
  it('resumes after the settled ids and drops the recent ones sent again', () => {
    const cursor = new PushCursor()
    cursor.reset(10)

    expect(cursor.record(11, 0)).toBe(true)
    expect(cursor.record(13, 5_000)).toBe(true)
    expect(cursor.after(SETTLE_MS + 1)).toBe(11)

    expect(cursor.record(12, SETTLE_MS + 2)).toBe(true) // committed late
    expect(cursor.record(13, SETTLE_MS + 2)).toBe(false) // sent again
    expect(cursor.record(11, SETTLE_MS + 2)).toBe(false)
    expect(cursor.seq).toBe(13)
  })

  it('survives a snapshot round trip', () => {
    const cursor = new PushCursor()
    cursor.record(5, 100)

    const again = PushCursor.from(JSON.parse(JSON.stringify(cursor.snapshot())))

    expect(again.record(5, 200)).toBe(false)
    expect(again.after(100 + SETTLE_MS)).toBe(5)
  })
})
