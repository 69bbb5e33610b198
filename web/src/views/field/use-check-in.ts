/**
 * The four ways to check in at a point (QR, NFC, GPS, manual with a reason).
 * Each is judged on the device, then queued in the outbox with the device
 * time; nothing here needs the network.
 */
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'

import type { CheckInItem, TaskPoint } from '@/api/inspection'
import { newClientId } from '@/offline/outbox'
import { useOutbox } from '@/offline/use-outbox'
import { toUtcInstant } from '@/utils/format'

import { judgeGps, normalizeNfcUid, pointOfPayload } from './check-in'

/** Web NFC, where the browser has it (Chrome on Android). */
interface NdefReading {
  serialNumber: string
}
interface NdefReaderLike {
  scan(options?: { signal?: AbortSignal }): Promise<void>
  addEventListener(
    type: 'reading',
    listener: (event: NdefReading) => void,
  ): void
}
type NdefReaderClass = new () => NdefReaderLike

export const nfcSupported = () => 'NDEFReader' in window
export const gpsSupported = () => 'geolocation' in navigator

/** A refusal the inspector can act on: shown as is. */
export class CheckInRefused extends Error {}

export function useCheckIn(taskId: number) {
  const { t } = useI18n()
  const { enqueue } = useOutbox()
  const busy = ref(false)

  async function record(
    point: TaskPoint,
    fields: Omit<
      CheckInItem,
      'client_id' | 'kind' | 'task_id' | 'point_id' | 'device_time'
    >,
  ): Promise<void> {
    const client_id = newClientId()
    await enqueue({
      client_id,
      kind: 'check_in',
      task_id: taskId,
      point_id: point.point_id,
      photo_ids: [],
      body: {
        client_id,
        kind: 'check_in',
        task_id: taskId,
        point_id: point.point_id,
        device_time: toUtcInstant(new Date()),
        ...fields,
      },
    })
  }

  /** Checks in with a scanned label; `expected` when at a given point. */
  async function byQr(
    payload: string,
    points: TaskPoint[],
    expected?: TaskPoint,
  ) {
    const point = await pointOfPayload(payload, points)
    if (!point) throw new CheckInRefused(t('field.qrWrongPoint'))
    if (expected && point.point_id !== expected.point_id) {
      throw new CheckInRefused(t('field.qrOtherPoint', { name: point.name }))
    }
    await record(point, { method: 'qr', payload: payload.trim() })
    return point
  }

  /** Waits for the point's NFC tag (30 s at most). */
  async function byNfc(point: TaskPoint): Promise<void> {
    const Reader = (window as unknown as { NDEFReader?: NdefReaderClass })
      .NDEFReader
    if (!Reader) throw new CheckInRefused(t('field.nfcUnsupported'))
    const abort = new AbortController()
    const timeout = setTimeout(() => abort.abort(), 30_000)
    try {
      const reader = new Reader()
      const serial = await new Promise<string>((resolve, reject) => {
        reader.addEventListener('reading', (event) =>
          resolve(event.serialNumber),
        )
        abort.signal.addEventListener('abort', () =>
          reject(new CheckInRefused(t('field.nfcTimeout'))),
        )
        reader.scan({ signal: abort.signal }).catch(reject)
      })
      const uid = normalizeNfcUid(serial)
      if (!uid || uid !== point.nfc_uid)
        throw new CheckInRefused(t('field.nfcMismatch'))
      await record(point, { method: 'nfc', nfc_uid: uid })
    } finally {
      clearTimeout(timeout)
      abort.abort()
    }
  }

  function position(): Promise<GeolocationPosition> {
    return new Promise((resolve, reject) =>
      navigator.geolocation.getCurrentPosition(resolve, reject, {
        enableHighAccuracy: true,
        timeout: 20_000,
        maximumAge: 0,
      }),
    )
  }

  /** Takes a fix and checks in when it lies within the point's radius. */
  async function byGps(point: TaskPoint): Promise<number> {
    let fix: GeolocationPosition
    try {
      fix = await position()
    } catch (error) {
      const message = (error as GeolocationPositionError).message
      throw new CheckInRefused(t('field.gpsUnavailable', { message }))
    }
    const { latitude, longitude, accuracy } = fix.coords
    const judged = judgeGps(point, latitude, longitude)
    if (!judged.ok && judged.reason === 'no_position') {
      throw new CheckInRefused(t('field.gpsNoPosition'))
    }
    if (!judged.ok) {
      const distance = Math.round(judged.distance)
      throw new CheckInRefused(
        t('field.gpsTooFar', { distance, radius: judged.radius }),
      )
    }
    await record(point, {
      method: 'gps',
      latitude,
      longitude,
      accuracy_m: accuracy,
    })
    return judged.distance
  }

  async function byHand(point: TaskPoint, reason: string): Promise<void> {
    await record(point, { method: 'manual', reason: reason.trim() })
  }

  /** Runs one check-in with `busy` set. */
  async function run<T>(work: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await work()
    } finally {
      busy.value = false
    }
  }

  return { busy, run, byQr, byNfc, byGps, byHand }
}
