/** Display texts of alert values that come as codes from the server. */
import { useI18n } from 'vue-i18n'

export function useAlertText() {
  const { t, te } = useI18n()

  /** The rule's name in the user's language; the code for unknown rules. */
  function ruleName(rule: string): string {
    const key = `alerts.rules.${rule.replace(/\./g, '_')}`
    return te(key) ? t(key) : rule
  }

  /** An alert history action ("open", "acknowledge", ...). */
  function actionName(action: string): string {
    const key = `alerts.history.${action}`
    return te(key) ? t(key) : action
  }

  return { ruleName, actionName }
}
