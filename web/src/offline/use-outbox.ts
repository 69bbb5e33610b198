/**
 * The field application's outbox as shared reactive state: how many items
 * wait, whether the device is online, and the actions that queue work. Work
 * is sent at once when online, again when the network returns, and after a
 * failure with a growing pause (backoffMs). One flush runs at a time, across
 * tabs too where the browser has Web Locks.
 */
import { reactive } from 'vue'

import { uploadFile } from '@/api/files'
import { reportHazard, type HazardReportInput } from '@/api/hazards'
import { sync, type SyncItem } from '@/api/inspection'

import { Outbox, type OutboxItem, type StoredPhoto } from './outbox'
import { photoFile } from './photo'
import { SyncEngine, backoffMs, type Transport } from './sync-engine'

export interface OutboxState {
  waiting: number
  rejected: number
  online: boolean
  syncing: boolean
  /** The session ended while items wait: they go once logged in again. */
  needsLogin: boolean
  items: OutboxItem[]
}

const state = reactive<OutboxState>({
  waiting: 0,
  rejected: 0,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false,
  needsLogin: false,
  items: [],
})

const transport: Transport = {
  async upload(photo: StoredPhoto) {
    const stored = await uploadFile(photoFile(photo))
    return { id: stored.id, sha256: stored.sha256 }
  },
  async sync(items) {
    return (await sync(items as unknown as SyncItem[])).items
  },
  reportHazard(body) {
    return reportHazard(body as unknown as HazardReportInput)
  },
}

let opened: Promise<Outbox> | null = null
let userId = 0
let failures = 0
let timer: ReturnType<typeof setTimeout> | undefined
let running: Promise<void> | null = null
const listeners = new Set<() => void>()

function outbox(): Promise<Outbox> {
  opened ??= Outbox.open()
  return opened
}

async function refresh(): Promise<void> {
  const box = await outbox()
  const items = await box.items(userId)
  state.items = items
  state.waiting = items.filter((item) => item.state === 'waiting').length
  state.rejected = items.length - state.waiting
}

function schedule(delay: number): void {
  clearTimeout(timer)
  timer = setTimeout(() => void flush(), delay)
}

async function flushOnce(): Promise<void> {
  const engine = new SyncEngine(await outbox(), transport)
  const report = await engine.flush(userId)
  state.needsLogin = report.stopped === 'auth'
  if (report.stopped === 'transient') {
    failures++
    schedule(backoffMs(failures))
  } else {
    failures = 0
  }
  await refresh()
  if (report.sent > 0) listeners.forEach((listener) => listener())
}

/** Sends what waits, unless a flush is running or the device is offline. */
export function flush(): Promise<void> {
  if (running || !userId || !state.online) return running ?? refresh()
  state.syncing = true
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  const work = locks
    ? locks.request('anxun-outbox', () => flushOnce())
    : flushOnce()
  running = Promise.resolve(work)
    .catch(() => schedule(backoffMs(++failures)))
    .finally(() => {
      running = null
      state.syncing = false
    })
  return running
}

function onOnline(): void {
  state.online = true
  failures = 0
  void flush()
}

function onOffline(): void {
  state.online = false
}

/** Starts watching the network for `user`; call once the session is known. */
export async function startOutbox(user: number): Promise<void> {
  if (!userId) {
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)
  }
  userId = user
  state.online = navigator.onLine
  const week = 7 * 24 * 3600 * 1000
  await (await outbox()).prunePhotos(Date.now() - week).catch(() => 0)
  await refresh()
  void flush()
}

export function useOutbox() {
  /** Queues `item` durably, then tries to send it. */
  async function enqueue(
    item: Omit<OutboxItem, 'state' | 'attempts' | 'created_at' | 'user_id'>,
  ): Promise<void> {
    const box = await outbox()
    // A plain copy: IndexedDB cannot store Vue's reactive proxies.
    const plain = JSON.parse(JSON.stringify(item)) as typeof item
    await box.enqueue({ ...plain, user_id: userId })
    await refresh()
    void flush()
  }

  async function putPhoto(photo: StoredPhoto): Promise<void> {
    await (await outbox()).putPhoto(photo)
  }

  async function photo(id: string): Promise<StoredPhoto | undefined> {
    return (await outbox()).photo(id)
  }

  /** Drops a rejected item for good. */
  async function discard(clientId: string): Promise<void> {
    await (await outbox()).remove(clientId)
    await refresh()
  }

  /** Sends a rejected item again. */
  async function retry(clientId: string): Promise<void> {
    await (await outbox()).retry(clientId)
    await refresh()
    void flush()
  }

  async function cached<T>(key: string): Promise<T | undefined> {
    return (await outbox()).cached<T>(key)
  }

  async function cache(key: string, value: unknown): Promise<void> {
    await (await outbox()).cache(key, JSON.parse(JSON.stringify(value)))
  }

  /** Calls `listener` after each flush that delivered something. */
  function onSent(listener: () => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  return {
    state,
    enqueue,
    putPhoto,
    photo,
    discard,
    retry,
    cached,
    cache,
    onSent,
    flush,
  }
}
