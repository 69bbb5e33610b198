/** Acknowledge and resolve, with their messages; shared by table and drawer. */
import { ElMessage, ElMessageBox } from 'element-plus'
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'

import { actOnAlert, type Alert, type AlertDetail } from '@/api/alerts'
import { useApiError } from '@/composables/use-api-error'

export function useAlertActions(changed: (alert: AlertDetail) => void) {
  const { t } = useI18n()
  const { showError } = useApiError()
  const busy = ref(false)

  async function run(
    alert: Alert,
    action: 'acknowledge' | 'resolve',
    note?: string,
  ) {
    busy.value = true
    try {
      const after = await actOnAlert(alert.id, action, {
        version: alert.version,
        note: note || undefined,
      })
      ElMessage.success(t(`alerts.done.${action}`))
      changed(after)
    } catch (error) {
      showError(error)
    } finally {
      busy.value = false
    }
  }

  function acknowledge(alert: Alert): Promise<void> {
    return run(alert, 'acknowledge')
  }

  /** Asks for an optional note, then resolves. */
  async function resolve(alert: Alert): Promise<void> {
    const answer = await ElMessageBox.prompt(
      t('alerts.resolveNote'),
      t('alerts.actions.resolve'),
      {
        confirmButtonText: t('common.confirm'),
        cancelButtonText: t('common.cancel'),
      },
    ).catch(() => null)
    if (answer) await run(alert, 'resolve', answer.value?.trim())
  }

  return { busy, acknowledge, resolve }
}
