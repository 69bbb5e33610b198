/** A role's name in the language in use (English falls back to Chinese). */
import { useI18n } from 'vue-i18n'

export function useRoleName() {
  const { locale } = useI18n()

  return (role: { name: string; name_en?: string }) =>
    locale.value === 'en' && role.name_en ? role.name_en : role.name
}
