/**
 * Checking in at a point, judged on the device so it works offline: a signed
 * QR payload is matched by its SHA-256 against the task's points (the server
 * verifies the signature again on sync), an NFC tag by its UID, a position by
 * its distance to the point.
 */
import type { TaskPoint } from '@/api/inspection'
import { sha256Hex } from '@/offline/photo'

/** Radius around a point when it has none of its own, in metres. */
export const DEFAULT_RADIUS_M = 50

/** The task's point whose signed label carries `payload`, if any. */
export async function pointOfPayload(
  payload: string,
  points: TaskPoint[],
): Promise<TaskPoint | undefined> {
  const text = payload.trim()
  const hash = await sha256Hex(new TextEncoder().encode(text))
  if (hash) return points.find((p) => p.qr_sha256 === hash)
  // Without WebCrypto only the code can be read; the server checks the rest.
  const code = /^AX1:([^:]+):[A-Za-z0-9_-]{22}$/.exec(text)?.[1]
  return points.find((p) => p.code === code)
}

/** "04A1B2C3" from "04:a1:b2:c3"; undefined unless 4, 7 or 10 bytes. */
export function normalizeNfcUid(text: string): string | undefined {
  const hex = text.replace(/[\s:-]/g, '').toUpperCase()
  if (!/^[0-9A-F]+$/.test(hex)) return undefined
  return [8, 14, 20].includes(hex.length) ? hex : undefined
}

/** Great-circle distance in metres (as the server computes it). */
export function distanceMeters(
  lat1: number,
  lon1: number,
  lat2: number,
  lon2: number,
): number {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)))
}

export type GpsJudgement =
  | { ok: true; distance: number }
  | { ok: false; reason: 'no_position' }
  | { ok: false; reason: 'too_far'; distance: number; radius: number }

/** Whether a fix at (lat, lon) lies within the point's radius. */
export function judgeGps(
  point: TaskPoint,
  lat: number,
  lon: number,
): GpsJudgement {
  if (point.latitude == null || point.longitude == null) {
    return { ok: false, reason: 'no_position' }
  }
  const distance = distanceMeters(lat, lon, point.latitude, point.longitude)
  const radius = point.radius_m ?? DEFAULT_RADIUS_M
  if (distance > radius)
    return { ok: false, reason: 'too_far', distance, radius }
  return { ok: true, distance }
}
