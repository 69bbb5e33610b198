/**
 * Sends the outbox to the server: photos first (each uploaded once, its file
 * id kept), then check-ins and results in one POST /sync batch, then hazard
 * reports one by one. Every request is idempotent on the item's client_id, so
 * a batch cut off by a dropped network is simply sent again.
 *
 * Errors are sorted three ways: the network or the server is unwell (status
 * 0, 5xx, 408, 429) → stop and try again later; the session has ended (401)
 * → stop until the inspector logs in again; anything else refuses that item
 * only → it is marked rejected with the server's reason.
 */
import type { SyncOutcome } from '@/api/inspection'

import type { Outbox, OutboxError, OutboxItem, StoredPhoto } from './outbox'

/** How the engine talks to the server (the API client, or a fake in tests). */
export interface Transport {
  upload(photo: StoredPhoto): Promise<{ id: number; sha256: string }>
  sync(items: Record<string, unknown>[]): Promise<SyncOutcome[]>
  reportHazard(body: Record<string, unknown>): Promise<unknown>
}

/** A failure as the API client reports it: an HTTP status and a code. */
interface FailureLike {
  status: number
  code: string
  message: string
}

export type FailureKind = 'transient' | 'auth' | 'item'

export function classify(error: unknown): FailureKind {
  const status = (error as Partial<FailureLike>)?.status
  if (typeof status !== 'number') return 'transient'
  if (status === 401) return 'auth'
  if (status === 0 || status >= 500 || status === 408 || status === 429) {
    return 'transient'
  }
  return 'item'
}

function toError(error: unknown): OutboxError {
  const failure = error as Partial<FailureLike>
  return {
    code: typeof failure?.code === 'string' ? failure.code : 'error',
    message: failure?.message ? String(failure.message) : String(error),
  }
}

export interface FlushReport {
  /** Items the server answered (stored or duplicate) and that left. */
  sent: number
  rejected: number
  /** Why the flush stopped early, if it did. */
  stopped?: 'transient' | 'auth'
}

/** Thrown inside a flush to stop it: the network or the session is gone. */
class Stop extends Error {
  constructor(readonly kind: 'transient' | 'auth') {
    super(kind)
  }
}

const SYNC_KINDS = new Set(['check_in', 'result'])
const MAX_BATCH = 200

/** The body with each `{ $photo: id }` replaced by the uploaded file. */
export function resolvePhotos(
  value: unknown,
  photos: Map<string, StoredPhoto>,
): unknown {
  if (Array.isArray(value)) return value.map((v) => resolvePhotos(v, photos))
  if (!value || typeof value !== 'object') return value
  const ref = (value as { $photo?: unknown }).$photo
  if (typeof ref === 'string') {
    const photo = photos.get(ref)
    return {
      file_id: photo?.file_id ?? null,
      sha256: photo?.sha256 ?? null,
      taken_at: photo?.taken_at ?? null,
    }
  }
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value))
    out[key] = resolvePhotos(v, photos)
  return out
}

export class SyncEngine {
  constructor(
    private readonly outbox: Outbox,
    private readonly transport: Transport,
  ) {}

  /** Sends what `userId` has waiting; never throws for server answers. */
  async flush(userId: number): Promise<FlushReport> {
    const report: FlushReport = { sent: 0, rejected: 0 }
    const waiting = (await this.outbox.items(userId)).filter(
      (item) => item.state === 'waiting',
    )
    try {
      await this.sendBatch(
        waiting.filter((item) => SYNC_KINDS.has(item.kind)).slice(0, MAX_BATCH),
        report,
      )
      for (const item of waiting.filter((i) => i.kind === 'hazard')) {
        await this.sendHazard(item, report)
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error
      report.stopped = error.kind
    }
    return report
  }

  /** Uploads the item's photos not sent yet; their records by id. */
  private async photosOf(item: OutboxItem): Promise<Map<string, StoredPhoto>> {
    const photos = new Map<string, StoredPhoto>()
    for (const id of item.photo_ids) {
      const photo = await this.outbox.photo(id)
      if (!photo) continue
      if (photo.file_id === undefined) {
        const stored = await this.transport.upload(photo)
        if (stored.sha256 && stored.sha256 !== photo.sha256) {
          throw Object.assign(new Error('photo changed in transit'), {
            status: 422,
            code: 'photo_hash_mismatch',
          })
        }
        photo.file_id = stored.id
        await this.outbox.setFileId(id, stored.id)
      }
      photos.set(id, photo)
    }
    return photos
  }

  /**
   * Runs `work` for `item`; an item failure rejects it, a transient or auth
   * failure stops the flush (recorded as an attempt).
   */
  private async guarded(
    item: OutboxItem,
    report: FlushReport,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work()
    } catch (error) {
      const kind = classify(error)
      if (kind === 'item') {
        await this.outbox.reject(item.client_id, toError(error))
        report.rejected++
        return
      }
      await this.outbox.noteAttempt(item.client_id, toError(error))
      throw new Stop(kind)
    }
  }

  private async sendBatch(items: OutboxItem[], report: FlushReport) {
    const ready: OutboxItem[] = []
    const bodies: Record<string, unknown>[] = []
    for (const item of items) {
      await this.guarded(item, report, async () => {
        const photos = await this.photosOf(item)
        bodies.push(resolvePhotos(item.body, photos) as Record<string, unknown>)
        ready.push(item)
      })
    }
    if (ready.length === 0) return

    let outcomes: SyncOutcome[]
    try {
      outcomes = await this.transport.sync(bodies)
    } catch (error) {
      const kind = classify(error)
      for (const item of ready) {
        await this.outbox.noteAttempt(item.client_id, toError(error))
      }
      // A refused batch (not an item) is a bug or an old app: try later.
      throw new Stop(kind === 'auth' ? 'auth' : 'transient')
    }
    const byId = new Map(outcomes.map((o) => [o.client_id, o]))
    for (const item of ready) {
      const outcome = byId.get(item.client_id)
      if (!outcome) continue
      if (outcome.status === 'rejected') {
        await this.outbox.reject(item.client_id, {
          code: outcome.code ?? 'rejected',
          message: outcome.message ?? '',
        })
        report.rejected++
      } else {
        await this.outbox.remove(item.client_id)
        report.sent++
      }
    }
  }

  private async sendHazard(item: OutboxItem, report: FlushReport) {
    await this.guarded(item, report, async () => {
      const photos = await this.photosOf(item)
      const fileIds = item.photo_ids
        .map((id) => photos.get(id)?.file_id)
        .filter((id): id is number => id !== undefined)
      await this.transport.reportHazard({
        ...item.body,
        client_id: item.client_id,
        file_ids: fileIds,
      })
      await this.outbox.remove(item.client_id)
      report.sent++
    })
  }
}

/** The wait before the next try after `failures` failed flushes in a row. */
export function backoffMs(failures: number, random = Math.random): number {
  const base = Math.min(2000 * 2 ** Math.max(0, failures - 1), 5 * 60 * 1000)
  return Math.round(base * (0.75 + random() * 0.5))
}
