/** Turns an ApiError into a message in the user's language. */
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'

import { ApiError } from '@/api/client'
import { formatInstant } from '@/utils/format'
import { serverText } from '@/utils/server-text'

export function useApiError() {
  const { t, te, locale } = useI18n()

  /** A message written by the server, in the language in use. */
  function localized(message: string): string {
    return serverText(message, locale.value)
  }

  /** The text to show for `error`: ours for known codes, else the server's. */
  function errorText(error: unknown): string {
    if (!(error instanceof ApiError)) {
      return t('errors.unknown', { message: String(error) })
    }
    const until = error.details.locked_until
    if (error.code === 'account_locked' && typeof until === 'string') {
      return t('login.lockedUntil', { until: formatInstant(until) })
    }
    const key = `errors.${error.code}`
    if (te(key)) return t(key)
    if (error.status === 403) return t('errors.forbidden')
    if (error.status === 404) return t('errors.not_found')
    return t('errors.unknown', { message: localized(error.message) })
  }

  /** Shows `error` as a message at the top of the page. */
  function showError(error: unknown): void {
    ElMessage.error({ message: errorText(error), showClose: true })
  }

  return { errorText, showError, localized }
}
