/**
 * vue-i18n set-up: Simplified Chinese by default, English second. The
 * choice is kept in localStorage and applied to <html lang> and the title.
 */
import { createI18n } from 'vue-i18n'

import en from './en'
import type { MessageSchema } from './schema'
import zhCN from './zh-CN'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

const STORAGE_KEY = 'anxun.locale'

function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale)
}

function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    if (isLocale(value)) return value
  } catch {
    // Storage may be blocked; the default language still works.
  }
  return 'zh-CN'
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

/** The language in use. */
export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/** Switches the language and remembers the choice in this browser. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Not persisted; the switch still applies to this page.
  }
}
