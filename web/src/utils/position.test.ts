import { describe, expect, it } from 'vitest'

import { fractionOf, positionOf } from './position'

describe('fractionOf', () => {
  const box = { left: 100, top: 50, width: 200, height: 100 }

  it('measures from the top-left corner as fractions', () => {
    expect(fractionOf(150, 75, box)).toEqual({ x: 0.25, y: 0.25 })
  })

  it('clamps clicks on the border into 0..1', () => {
    expect(fractionOf(99, 151, box)).toEqual({ x: 0, y: 1 })
  })
})

describe('positionOf', () => {
  it('is null unless both coordinates are set', () => {
    expect(positionOf({ x: 0.5, y: null })).toBeNull()
    expect(positionOf({ x: 0, y: 0 })).toEqual({ x: 0, y: 0 })
  })
})
