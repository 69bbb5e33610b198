/** Positions on a floor plan, stored as fractions 0..1 of its size. */

export interface Position {
  x: number
  y: number
}

interface Box {
  left: number
  top: number
  width: number
  height: number
}

const clamp = (value: number) => Math.min(1, Math.max(0, value))
const round = (value: number) => Math.round(value * 10000) / 10000

/** The fraction of `box` at client point (clientX, clientY), clamped. */
export function fractionOf(clientX: number, clientY: number, box: Box) {
  if (box.width <= 0 || box.height <= 0) return { x: 0, y: 0 }
  return {
    x: round(clamp((clientX - box.left) / box.width)),
    y: round(clamp((clientY - box.top) / box.height)),
  }
}

/** A record's x, y as a Position, or null when it is not placed. */
export function positionOf(record: {
  x: number | null
  y: number | null
}): Position | null {
  if (record.x === null || record.y === null) return null
  if (record.x === undefined || record.y === undefined) return null
  return { x: record.x, y: record.y }
}
