/** The signed-in user's notifications: the feed, read marks, the socket. */
import { http } from './client'
import type { AlertLevel } from './alerts'

export interface AppNotification {
  /** Sequence number; a client catches up from the last one it has. */
  id: number
  kind: 'alert' | 'escalation' | 'reminder'
  alert_id: number | null
  hazard_id: number | null
  task_id: number | null
  level: AlertLevel
  title: string
  body: string
  /** A route of the web application, e.g. /alerts?id=12. */
  link: string
  popup: boolean
  created_at: string
  read_at: string | null
}

export interface NotificationFeed {
  items: AppNotification[]
  unread: number
  last_id: number
}

/** The user's notifications with id > after, oldest first (≤ 200). */
export function listNotifications(after: number, limit = 200) {
  return http.get<NotificationFeed>('/notifications', { after, limit })
}

/** Marks the given notifications (or all) read; answers the unread count. */
export function markNotificationsRead(ids: number[] | 'all') {
  const body = ids === 'all' ? { all: true } : { ids }
  return http.post<{ updated: number; unread: number }>(
    '/notifications/read',
    body,
  )
}

/**
 * The newest notifications, newest first (at most `count`). The feed pages
 * forward from a sequence number shared by every user, so this looks back
 * from the last id in growing steps until it has enough.
 */
export async function recentNotifications(lastId: number, count = 30) {
  let items: AppNotification[] = []
  for (let span = 500; ; span *= 10) {
    const after = Math.max(0, lastId - span)
    items = []
    for (let from = after, pages = 0; pages < 50; pages++) {
      const page = await listNotifications(from)
      items.push(...page.items)
      if (page.items.length < 200) break
      from = page.items[page.items.length - 1].id
    }
    if (items.length >= count || after === 0) break
  }
  return items.slice(-count).reverse()
}

/** Messages of the server on the socket (see GET /api/v1/ws). */
export type PushMessage =
  | ({ type: 'notification' } & AppNotification)
  | { type: 'gap'; latest: number }
  | { type: 'ready' }
  | { type: 'pong' }
  | { type: 'error'; code: string }

/** The socket's address on this page's host (ws: or wss:). */
export function pushSocketUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/api/v1/ws`
}
