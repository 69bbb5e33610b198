/**
 * The outbox: everything the inspector did that the server has not answered
 * yet, kept in IndexedDB so that closing the page or losing the network
 * loses nothing. An item leaves only when the server answered its outcome
 * (stored or duplicate); a refused item stays, marked rejected with the
 * server's reason, until the inspector discards it.
 */
import { openDatabase, promised, STORES, transact } from './idb'

export type OutboxKind = 'check_in' | 'result' | 'hazard'

export interface OutboxError {
  code: string
  message: string
}

export interface OutboxItem {
  /** Generated on the device; the server's idempotency key. */
  client_id: string
  kind: OutboxKind
  /** Whose work it is: only that user's session sends it. */
  user_id: number
  task_id?: number
  point_id?: number
  /** The request body; `{ $photo: id }` stands for a photo not yet uploaded. */
  body: Record<string, unknown>
  /** Local ids of the photos the body refers to. */
  photo_ids: string[]
  /** Device time of enqueueing (ms): the order of sending. */
  created_at: number
  state: 'waiting' | 'rejected'
  attempts: number
  error?: OutboxError
}

/**
 * A photo or signature taken on the device, kept until its item is sent.
 * Once uploaded and no longer needed by a queued item, only a stub without
 * `bytes` stays (a draft may still refer to it), until pruned.
 */
export interface StoredPhoto {
  id: string
  user_id: number
  bytes?: ArrayBuffer
  type: string
  /** Lower hex SHA-256 of `bytes`, computed when it was taken. */
  sha256: string
  taken_at: string
  /** The server's file id once uploaded. */
  file_id?: number
}

/** A random id; crypto.randomUUID where the context allows it. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return [0, 8, 12, 16, 20]
    .map((at, i, cuts) => hex.slice(at, cuts[i + 1]))
    .join('-')
}

export class Outbox {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens the outbox in `factory` (the browser's IndexedDB by default). */
  static async open(factory?: IDBFactory, name?: string): Promise<Outbox> {
    return new Outbox(await openDatabase(factory, name))
  }

  close(): void {
    this.db.close()
  }

  /** Stores a photo; resolves once it is durable. */
  async putPhoto(photo: StoredPhoto): Promise<void> {
    await transact(this.db, [STORES.photos], 'readwrite', (tx) =>
      promised(tx.objectStore(STORES.photos).put(photo)),
    )
  }

  async photo(id: string): Promise<StoredPhoto | undefined> {
    return transact(this.db, [STORES.photos], 'readonly', (tx) =>
      promised(tx.objectStore(STORES.photos).get(id)),
    )
  }

  async setFileId(id: string, fileId: number): Promise<void> {
    await transact(this.db, [STORES.photos], 'readwrite', async (tx) => {
      const store = tx.objectStore(STORES.photos)
      const photo = (await promised(store.get(id))) as StoredPhoto | undefined
      if (photo) await promised(store.put({ ...photo, file_id: fileId }))
    })
  }

  /** Queues `item` (waiting, no attempts yet); resolves once durable. */
  async enqueue(
    item: Omit<OutboxItem, 'state' | 'attempts' | 'created_at'> & {
      created_at?: number
    },
  ): Promise<OutboxItem> {
    const stored: OutboxItem = {
      ...item,
      created_at: item.created_at ?? Date.now(),
      state: 'waiting',
      attempts: 0,
    }
    await transact(this.db, [STORES.outbox], 'readwrite', (tx) =>
      promised(tx.objectStore(STORES.outbox).add(stored)),
    )
    return stored
  }

  /** Every item (of `userId` when given), oldest first. */
  async items(userId?: number): Promise<OutboxItem[]> {
    const all = await transact(this.db, [STORES.outbox], 'readonly', (tx) =>
      promised(tx.objectStore(STORES.outbox).index('by_created').getAll()),
    )
    const items = all as OutboxItem[]
    return userId === undefined
      ? items
      : items.filter((item) => item.user_id === userId)
  }

  /** Counts of `userId`'s items by state. */
  async counts(userId: number): Promise<{ waiting: number; rejected: number }> {
    const items = await this.items(userId)
    const waiting = items.filter((item) => item.state === 'waiting').length
    return { waiting, rejected: items.length - waiting }
  }

  /** Records a failed attempt that will be tried again. */
  async noteAttempt(clientId: string, error: OutboxError): Promise<void> {
    await this.update(clientId, (item) => ({
      ...item,
      attempts: item.attempts + 1,
      error,
    }))
  }

  /** Marks an item refused by the server; it waits for the inspector. */
  async reject(clientId: string, error: OutboxError): Promise<void> {
    await this.update(clientId, (item) => ({
      ...item,
      state: 'rejected',
      attempts: item.attempts + 1,
      error,
    }))
  }

  /** Puts a rejected item back in line (after the cause was fixed). */
  async retry(clientId: string): Promise<void> {
    await this.update(clientId, (item) => ({ ...item, state: 'waiting' }))
  }

  /**
   * Removes an item (answered by the server, or discarded by the inspector)
   * in one transaction with the photos no other item refers to: an uploaded
   * one shrinks to a stub that keeps its file id, any other one goes.
   */
  async remove(clientId: string): Promise<void> {
    const stores = [STORES.outbox, STORES.photos]
    await transact(this.db, stores, 'readwrite', async (tx) => {
      const outbox = tx.objectStore(STORES.outbox)
      const item = (await promised(outbox.get(clientId))) as
        OutboxItem | undefined
      if (!item) return
      await promised(outbox.delete(clientId))
      const others = (await promised(outbox.getAll())) as OutboxItem[]
      const used = new Set(others.flatMap((other) => other.photo_ids))
      const photos = tx.objectStore(STORES.photos)
      for (const id of item.photo_ids.filter((id) => !used.has(id))) {
        const photo = (await promised(photos.get(id))) as
          StoredPhoto | undefined
        if (photo?.file_id === undefined) await promised(photos.delete(id))
        else await promised(photos.put({ ...photo, bytes: undefined }))
      }
    })
  }

  /**
   * Deletes photos taken before `before` (ms) that no queued item refers to:
   * stubs of sent photos and pictures of drafts never submitted.
   */
  async prunePhotos(before: number): Promise<number> {
    const stores = [STORES.outbox, STORES.photos]
    return transact(this.db, stores, 'readwrite', async (tx) => {
      const items = (await promised(
        tx.objectStore(STORES.outbox).getAll(),
      )) as OutboxItem[]
      const used = new Set(items.flatMap((item) => item.photo_ids))
      const photos = tx.objectStore(STORES.photos)
      let pruned = 0
      for (const photo of (await promised(photos.getAll())) as StoredPhoto[]) {
        if (used.has(photo.id) || Date.parse(photo.taken_at) >= before) continue
        await promised(photos.delete(photo.id))
        pruned++
      }
      return pruned
    })
  }

  /** Reads a cached value (a task list, a task, a draft). */
  async cached<T>(key: string): Promise<T | undefined> {
    return transact(this.db, [STORES.cache], 'readonly', (tx) =>
      promised(tx.objectStore(STORES.cache).get(key)),
    ) as Promise<T | undefined>
  }

  async cache(key: string, value: unknown): Promise<void> {
    await transact(this.db, [STORES.cache], 'readwrite', (tx) =>
      promised(tx.objectStore(STORES.cache).put(value, key)),
    )
  }

  async uncache(key: string): Promise<void> {
    await transact(this.db, [STORES.cache], 'readwrite', (tx) =>
      promised(tx.objectStore(STORES.cache).delete(key)),
    )
  }

  private async update(
    clientId: string,
    change: (item: OutboxItem) => OutboxItem,
  ): Promise<void> {
    await transact(this.db, [STORES.outbox], 'readwrite', async (tx) => {
      const store = tx.objectStore(STORES.outbox)
      const item = (await promised(store.get(clientId))) as
        OutboxItem | undefined
      if (item) await promised(store.put(change(item)))
    })
  }
}
