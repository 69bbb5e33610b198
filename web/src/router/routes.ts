/** The pages of the application and the permission each one needs. */
import type { RouteRecordRaw } from 'vue-router'

import AppLayout from '@/layouts/app-layout.vue'
import { alertRoutes } from '@/views/alerts/routes'
import { fieldRoute, inspectionRoutes } from '@/views/inspection/routes'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    titleKey?: string
    /** i18n key of the menu section, shown in the breadcrumb. */
    sectionKey?: string
    /** Permission needed to open the page. */
    permission?: string
    /** Reachable without a session. */
    public?: boolean
  }
}

/** A page of a menu section: /<section>/<name>, titled nav.<name>. */
const page = (
  section: 'master' | 'admin',
  name: string,
  permission: string,
  component: RouteRecordRaw['component'],
): RouteRecordRaw => ({
  path: `${section}/${name}`,
  name,
  component: component!,
  meta: { titleKey: `nav.${name}`, sectionKey: `nav.${section}`, permission },
})

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/login/login-view.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    path: '/account/password',
    name: 'change-password',
    component: () => import('@/views/account/change-password-view.vue'),
    meta: { titleKey: 'nav.changePassword' },
  },
  fieldRoute,
  {
    path: '/',
    component: AppLayout,
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('@/views/home/home-view.vue'),
        meta: { titleKey: 'nav.home' },
      },
      {
        path: 'account/totp',
        name: 'totp',
        component: () => import('@/views/account/totp-view.vue'),
        meta: { titleKey: 'nav.totp', sectionKey: 'nav.account' },
      },
      {
        path: 'hazards',
        name: 'hazards',
        component: () => import('@/views/hazards/hazards-view.vue'),
        meta: { titleKey: 'nav.hazards', permission: 'hazard.view' },
      },
      {
        path: 'hazards/new',
        name: 'hazard-new',
        component: () => import('@/views/hazards/hazard-report-view.vue'),
        meta: { titleKey: 'nav.hazardNew', permission: 'hazard.report' },
      },
      {
        path: 'hazards/:id(\\d+)',
        name: 'hazard-detail',
        component: () => import('@/views/hazards/hazard-detail-view.vue'),
        meta: { titleKey: 'nav.hazardDetail', permission: 'hazard.view' },
      },
      {
        path: 'hazards/categories',
        name: 'hazard-categories',
        component: () => import('@/views/hazards/hazard-categories-view.vue'),
        meta: {
          titleKey: 'hazardConfig.menuCategories',
          sectionKey: 'hazardConfig.section',
          permission: 'hazard.configure',
        },
      },
      {
        path: 'hazards/deadline-rules',
        name: 'hazard-deadline-rules',
        component: () => import('@/views/hazards/hazard-deadline-rules-view.vue'),
        meta: {
          titleKey: 'hazardConfig.menuDeadlines',
          sectionKey: 'hazardConfig.section',
          permission: 'hazard.configure',
        },
      },
      ...inspectionRoutes,
      ...alertRoutes,
      {
        path: 'alerts/routing',
        name: 'alert-routing',
        component: () => import('@/views/alerts/routing-rules-view.vue'),
        meta: {
          titleKey: 'alertRouting.title',
          sectionKey: 'alertRouting.section',
          permission: 'alert.configure',
        },
      },
      {
        path: 'alerts/channels',
        name: 'alert-channels',
        component: () => import('@/views/alerts/channels-view.vue'),
        meta: {
          titleKey: 'alertChannels.menuChannels',
          sectionKey: 'alertChannels.section',
          permission: 'alert.configure',
        },
      },
      {
        path: 'alerts/deliveries',
        name: 'alert-deliveries',
        component: () => import('@/views/alerts/delivery-log-view.vue'),
        meta: {
          titleKey: 'alertChannels.menuDeliveries',
          sectionKey: 'alertChannels.section',
          permission: 'alert.configure',
        },
      },
      page(
        'master',
        'org',
        'org.view',
        () => import('@/views/master/org/org-view.vue'),
      ),
      page(
        'master',
        'areas',
        'area.view',
        () => import('@/views/master/areas/areas-view.vue'),
      ),
      page(
        'master',
        'points',
        'point.view',
        () => import('@/views/master/points/points-view.vue'),
      ),
      page(
        'admin',
        'users',
        'user.view',
        () => import('@/views/admin/users/users-view.vue'),
      ),
      page(
        'admin',
        'roles',
        'role.view',
        () => import('@/views/admin/roles/roles-view.vue'),
      ),
      page(
        'admin',
        'audit',
        'audit.view',
        () => import('@/views/admin/audit/audit-view.vue'),
      ),
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/status/forbidden-view.vue'),
        meta: { titleKey: 'nav.forbidden' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/status/not-found-view.vue'),
        meta: { titleKey: 'nav.notFound' },
      },
    ],
  },
]
