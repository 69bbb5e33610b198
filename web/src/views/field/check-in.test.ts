import { createHash } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import type { TaskPoint } from '@/api/inspection'

import { judgeGps, normalizeNfcUid, pointOfPayload } from './check-in'

const payload = 'AX1:TK-01:AAAAAAAAAAAAAAAAAAAAAA'
const point = (over: Partial<TaskPoint>): TaskPoint => ({
  seq: 1,
  point_id: 1,
  code: 'TK-01',
  name: '1# 储罐',
  checked_in_at: null,
  result_at: null,
  ...over,
})

describe('pointOfPayload', () => {
  it('finds the point whose label hash matches, and no other', async () => {
    const hash = createHash('sha256').update(payload).digest('hex')
    const points = [
      point({ point_id: 1, qr_sha256: 'x' }),
      point({ point_id: 2, qr_sha256: hash }),
    ]

    expect((await pointOfPayload(` ${payload}\n`, points))?.point_id).toBe(2)
    expect(
      await pointOfPayload('AX1:TK-01:BBBBBBBBBBBBBBBBBBBBBB', points),
    ).toBeUndefined()
  })
})

describe('normalizeNfcUid', () => {
  it('accepts 4, 7 and 10 byte UIDs in any notation', () => {
    expect(normalizeNfcUid('04:a1:b2:c3')).toBe('04A1B2C3')
    expect(normalizeNfcUid('04a1b2c3d4e5f6')).toBe('04A1B2C3D4E5F6')
    expect(normalizeNfcUid('04:a1')).toBeUndefined()
    expect(normalizeNfcUid('zz:zz:zz:zz')).toBeUndefined()
  })
})

describe('judgeGps', () => {
  const here = point({ latitude: 31.2, longitude: 121.5, radius_m: 30 })

  it('accepts a fix inside the radius and refuses one outside', () => {
    const near = judgeGps(here, 31.2001, 121.5)
    const far = judgeGps(here, 31.201, 121.5)

    expect(near.ok).toBe(true)
    expect(far).toMatchObject({ ok: false, reason: 'too_far', radius: 30 })
    expect(
      far.ok === false && far.reason === 'too_far' && Math.round(far.distance),
    ).toBe(111)
  })

  it('cannot judge a point without a position', () => {
    expect(judgeGps(point({}), 31.2, 121.5)).toEqual({
      ok: false,
      reason: 'no_position',
    })
  })
})
