/** The pages of alerts: the alert centre (with an alert open) and silences. */
import type { RouteRecordRaw } from 'vue-router'

const meta = (titleKey: string) => ({
  titleKey,
  sectionKey: 'alerts.nav.section',
  permission: 'alert.view',
})

/** Children of the app layout. */
export const alertRoutes: RouteRecordRaw[] = [
  {
    path: 'alerts',
    name: 'alerts',
    component: () => import('./alerts-view.vue'),
    meta: meta('alerts.nav.center'),
  },
  {
    path: 'alerts/:id(\\d+)',
    name: 'alert-detail',
    component: () => import('./alerts-view.vue'),
    meta: meta('alerts.nav.center'),
  },
  {
    path: 'alerts/silences',
    name: 'alert-silences',
    component: () => import('./silences-view.vue'),
    meta: meta('alerts.nav.silences'),
  },
]
