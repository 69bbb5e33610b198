/** Menu section of alerts: the alert centre and silences. */
import { Bell, MuteNotification } from '@element-plus/icons-vue'

import type { MenuSection } from '@/router/menu'

export const alertsMenu: MenuSection = {
  key: 'alerts',
  titleKey: 'alerts.nav.section',
  icon: Bell,
  items: [
    {
      name: 'alerts',
      path: '/alerts',
      titleKey: 'alerts.nav.center',
      icon: Bell,
      permission: 'alert.view',
    },
    {
      name: 'alert-silences',
      path: '/alerts/silences',
      titleKey: 'alerts.nav.silences',
      icon: MuteNotification,
      permission: 'alert.view',
    },
  ],
}
