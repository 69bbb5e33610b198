/**
 * Server-side field errors for an el-form: bind `fieldErrors[prop]` to each
 * el-form-item's `error`, call `clear()` before sending and `capture()` on
 * failure.
 */
import { reactive } from 'vue'

import { ApiError, type FieldErrors } from '@/api/client'

import { useApiError } from './use-api-error'

export function useFormErrors() {
  const fieldErrors = reactive<FieldErrors>({})
  const { errorText, showError, localized } = useApiError()

  function clear(): void {
    for (const key of Object.keys(fieldErrors)) delete fieldErrors[key]
  }

  /** Puts field messages next to the fields, anything else in a message. */
  function capture(error: unknown): void {
    clear()
    const fields = error instanceof ApiError ? error.fields : {}
    for (const [field, message] of Object.entries(fields)) {
      fieldErrors[field] = localized(message)
    }
    showError(error)
  }

  return { fieldErrors, clear, capture, errorText }
}
