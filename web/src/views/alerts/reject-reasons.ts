/**
 * Reasons for rejecting an alert: the common ones in the user's language and
 * the user's own, remembered in this browser (added by typing a new one,
 * removed from the list in the dialog).
 */
import { ref } from 'vue'

const STORAGE_KEY = 'anxun.alerts.rejectReasons'
const MAX_OWN = 20

export const COMMON_REJECT_REASONS = [
  'misdetection',
  'lighting',
  'drill',
  'maintenance',
  'duplicate',
  'checkedOnSite',
] as const

function load(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
    return Array.isArray(value)
      ? value.filter((v) => typeof v === 'string')
      : []
  } catch {
    return []
  }
}

export function useRejectReasons() {
  const own = ref<string[]>(load())

  function save(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(own.value))
    } catch {
      // Not remembered; the reason still goes to the server.
    }
  }

  /** Remembers `reason` unless it is a common one or known already. */
  function remember(reason: string, common: string[]): void {
    if (!reason || common.includes(reason) || own.value.includes(reason)) return
    own.value = [reason, ...own.value].slice(0, MAX_OWN)
    save()
  }

  function forget(reason: string): void {
    own.value = own.value.filter((r) => r !== reason)
    save()
  }

  return { own, remember, forget }
}
