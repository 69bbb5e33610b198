/**
 * The last signed-in user, kept in this browser so the field pages open
 * without a network (the session cookie still guards every upload). Forgotten
 * at logout and whenever the server says the session is gone.
 */
import type { Me } from '@/api/auth'

const KEY = 'anxun.last-user'

export function rememberUser(me: Me): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(me))
  } catch {
    // Storage blocked: the app then needs the network to open.
  }
}

export function lastUser(): Me | null {
  try {
    const text = localStorage.getItem(KEY)
    return text ? (JSON.parse(text) as Me) : null
  } catch {
    return null
  }
}

export function forgetUser(): void {
  try {
    localStorage.removeItem(KEY)
  } catch {
    // Nothing stored.
  }
}
