/**
 * The signed-in user's notifications: one WebSocket kept open while signed
 * in (reconnecting with back-off and catching up from the last sequence
 * number, kept in localStorage), the bell's list and unread count, and the
 * queue of pop-ups for alarms that must be seen.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

import {
  listNotifications,
  markNotificationsRead,
  pushSocketUrl,
  recentNotifications,
  type AppNotification,
  type PushMessage,
} from '@/api/notifications'
import { beep } from '@/components/notifications/beep'

import { PushCursor, type CursorSnapshot } from './push-cursor'
import { useSessionStore } from './session'

const MAX_ITEMS = 50
const MAX_POPPED = 200
/** Older alarms caught up after a long absence go to the list, not a pop-up. */
const POPUP_MAX_AGE_MS = 30 * 60_000
const FIRST_RETRY_MS = 1_000
const MAX_RETRY_MS = 30_000
const PING_EVERY_MS = 25_000
const PONG_WITHIN_MS = 10_000
/** Close code of the server when the session has ended. */
const SESSION_ENDED = 4401

interface Stored {
  cursor: CursorSnapshot
  items: AppNotification[]
  popped: number[]
}

const storageKey = (userId: number) => `anxun.notifications.${userId}`

function readStored(userId: number): Stored | null {
  try {
    const text = localStorage.getItem(storageKey(userId))
    return text ? (JSON.parse(text) as Stored) : null
  } catch {
    return null
  }
}

export const useNotificationsStore = defineStore('notifications', () => {
  const items = ref<AppNotification[]>([])
  const unread = ref(0)
  const connected = ref(false)
  const popups = ref<AppNotification[]>([])
  /** Bumped for every notification about an alert (live lists reload). */
  const alertSignal = ref(0)

  let userId = 0
  let cursor = new PushCursor()
  let popped: number[] = []
  let socket: WebSocket | null = null
  let retryMs = FIRST_RETRY_MS
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let pongTimer: ReturnType<typeof setTimeout> | undefined

  function persist(): void {
    if (!userId) return
    const stored: Stored = {
      cursor: cursor.snapshot(),
      items: items.value,
      popped: popped.slice(-MAX_POPPED),
    }
    try {
      localStorage.setItem(storageKey(userId), JSON.stringify(stored))
    } catch {
      // Storage full or blocked: a reload then starts from the server's list.
    }
  }

  /** Whether another tab (or this one, earlier) popped `id` up already. */
  function poppedBefore(id: number): boolean {
    const other = readStored(userId)?.popped ?? []
    return popped.includes(id) || other.includes(id)
  }

  function add(n: AppNotification): void {
    items.value = [n, ...items.value.filter((x) => x.id !== n.id)]
      .sort((a, b) => b.id - a.id)
      .slice(0, MAX_ITEMS)
    if (!n.read_at) unread.value += 1
    if (n.alert_id) alertSignal.value += 1
    const fresh = Date.now() - Date.parse(n.created_at) < POPUP_MAX_AGE_MS
    if (n.popup && fresh && !poppedBefore(n.id)) {
      popped.push(n.id)
      popups.value = [...popups.value, n]
      beep(n.level)
    }
  }

  async function reloadList(lastId: number): Promise<void> {
    cursor.reset(lastId)
    items.value = await recentNotifications(lastId, MAX_ITEMS)
    persist()
  }

  function onMessage(message: PushMessage): void {
    if (message.type === 'notification') {
      const { type: _type, ...n } = message
      if (!cursor.record(n.id, Date.now())) return
      add(n)
      persist()
    } else if (message.type === 'gap') {
      void reloadList(message.latest).catch(() => undefined)
    } else if (message.type === 'ready') {
      connected.value = true
      retryMs = FIRST_RETRY_MS
      // The catch-up may have counted rows the first count included.
      listNotifications(cursor.seq, 1)
        .then((feed) => (unread.value = feed.unread))
        .catch(() => undefined)
    } else if (message.type === 'pong') {
      clearTimeout(pongTimer)
    }
  }

  function keepAlive(ws: WebSocket): void {
    clearInterval(pingTimer)
    pingTimer = setInterval(() => {
      ws.send(JSON.stringify({ type: 'ping' }))
      clearTimeout(pongTimer)
      pongTimer = setTimeout(() => ws.close(), PONG_WITHIN_MS)
    }, PING_EVERY_MS)
  }

  function connect(): void {
    const ws = new WebSocket(pushSocketUrl())
    socket = ws
    ws.onopen = () => {
      ws.send(
        JSON.stringify({ type: 'hello', after: cursor.after(Date.now()) }),
      )
      keepAlive(ws)
    }
    ws.onmessage = (event) => {
      try {
        onMessage(JSON.parse(String(event.data)) as PushMessage)
      } catch {
        // A frame we do not understand; the next ones still count.
      }
    }
    ws.onclose = (event) => {
      if (socket !== ws) return
      socket = null
      connected.value = false
      clearInterval(pingTimer)
      clearTimeout(pongTimer)
      if (event.code === SESSION_ENDED) {
        void useSessionStore().load()
        return
      }
      retryTimer = setTimeout(connect, retryMs * (0.75 + Math.random() / 2))
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    }
  }

  /** Opens the channel for `id` (idempotent): the list, then the socket. */
  async function start(id: number): Promise<void> {
    if (userId === id) return
    stop()
    userId = id
    const stored = readStored(id)
    popped = stored?.popped ?? []
    items.value = stored?.items ?? []
    cursor = PushCursor.from(stored?.cursor)
    try {
      const feed = await listNotifications(cursor.seq, 1)
      if (userId !== id) return
      unread.value = feed.unread
      if (!stored || feed.last_id < cursor.seq) await reloadList(feed.last_id)
    } catch {
      // The socket still catches up from the stored cursor.
    }
    if (userId === id) connect()
  }

  /** Closes the channel and forgets the user (sign-out). */
  function stop(): void {
    userId = 0
    clearTimeout(retryTimer)
    clearInterval(pingTimer)
    clearTimeout(pongTimer)
    const ws = socket
    socket = null
    ws?.close(1000)
    connected.value = false
    items.value = []
    popups.value = []
    unread.value = 0
  }

  async function markRead(ids: number[] | 'all'): Promise<void> {
    const answer = await markNotificationsRead(ids)
    const now = new Date().toISOString()
    items.value = items.value.map((n) =>
      ids === 'all' || ids.includes(n.id)
        ? { ...n, read_at: n.read_at ?? now }
        : n,
    )
    unread.value = answer.unread
    persist()
  }

  /** Takes the pop-ups `ids` (all when omitted) off the queue. */
  function dismissPopups(ids?: number[]): AppNotification[] {
    const gone = popups.value.filter((n) => !ids || ids.includes(n.id))
    popups.value = popups.value.filter((n) => !gone.includes(n))
    return gone
  }

  return {
    items,
    unread,
    connected,
    popups,
    alertSignal,
    start,
    stop,
    markRead,
    dismissPopups,
  }
})
