/** The one-click account actions of the user list, with confirmation. */
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'

import {
  lockUser,
  resetUserTotp,
  revokeUserSessions,
  unlockUser,
  updateUser,
  type User,
} from '@/api/users'
import { useApiError } from '@/composables/use-api-error'

export type AccountAction =
  | 'lock'
  | 'unlock'
  | 'revoke-sessions'
  | 'reset-totp'
  | 'deactivate'
  | 'activate'

export function useUserActions(afterChange: () => Promise<void>) {
  const { t } = useI18n()
  const { showError } = useApiError()

  async function confirm(message: string): Promise<boolean> {
    return ElMessageBox.confirm(message, t('common.confirmTitle'), {
      type: 'warning',
    })
      .then(() => true)
      .catch(() => false)
  }

  const name = (user: User) => user.display_name || user.username

  async function perform(action: AccountAction, user: User): Promise<string> {
    switch (action) {
      case 'lock':
        await lockUser(user.id)
        return t('user.locked_done')
      case 'unlock':
        await unlockUser(user.id)
        return t('user.unlocked_done')
      case 'revoke-sessions':
        await revokeUserSessions(user.id)
        return t('user.revoked_done')
      case 'reset-totp':
        await resetUserTotp(user.id)
        return t('user.totp_reset_done')
      case 'deactivate':
      case 'activate':
        await updateUser(user.id, {
          active: action === 'activate',
          version: user.version,
        })
        return t('common.saved')
    }
  }

  function question(action: AccountAction, user: User): string | null {
    if (action === 'lock') return t('user.lockConfirm', { name: name(user) })
    if (action === 'revoke-sessions') {
      return t('user.revokeConfirm', { name: name(user) })
    }
    if (action === 'reset-totp') {
      return t('user.resetTotpConfirm', { name: name(user) })
    }
    if (action === 'deactivate') {
      return t('common.deactivateConfirm', { name: name(user) })
    }
    return null
  }

  /** Asks where the action is disruptive, runs it and reloads the list. */
  async function run(action: AccountAction, user: User): Promise<void> {
    const ask = question(action, user)
    if (ask && !(await confirm(ask))) return
    try {
      ElMessage.success(await perform(action, user))
      await afterChange()
    } catch (error) {
      showError(error)
    }
  }

  return { run }
}
