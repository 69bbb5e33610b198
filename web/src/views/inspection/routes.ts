/**
 * The pages of inspection: the administrators' pages inside the app layout,
 * and the inspector's phone view (/field) with a layout of its own.
 */
import type { RouteRecordRaw } from 'vue-router'

const admin = (
  path: string,
  name: string,
  titleKey: string,
  permission: string,
  component: RouteRecordRaw['component'],
): RouteRecordRaw => ({
  path: `inspection/${path}`,
  name,
  component: component!,
  meta: { titleKey, sectionKey: 'inspection.nav.section', permission },
})

/** Children of the app layout. */
export const inspectionRoutes: RouteRecordRaw[] = [
  admin(
    'templates',
    'inspection-templates',
    'inspection.nav.templates',
    'plan.view',
    () => import('./templates/templates-view.vue'),
  ),
  admin(
    'templates/:id(\\d+|new)',
    'inspection-template',
    'inspection.nav.template',
    'plan.view',
    () => import('./templates/template-editor-view.vue'),
  ),
  admin(
    'routes',
    'inspection-routes',
    'inspection.nav.routes',
    'plan.view',
    () => import('./routes/routes-view.vue'),
  ),
  admin(
    'plans',
    'inspection-plans',
    'inspection.nav.plans',
    'plan.view',
    () => import('./plans/plans-view.vue'),
  ),
  admin(
    'tasks',
    'inspection-tasks',
    'inspection.nav.tasks',
    'task.manage',
    () => import('./tasks/tasks-view.vue'),
  ),
  admin(
    'flags',
    'inspection-flags',
    'inspection.nav.flags',
    'task.manage',
    () => import('./flags/flags-view.vue'),
  ),
]

const field = (
  path: string,
  name: string,
  titleKey: string,
  component: RouteRecordRaw['component'],
): RouteRecordRaw => ({
  path,
  name,
  component: component!,
  meta: { titleKey, permission: 'task.execute' },
})

/** The inspector's phone view, outside the app layout. */
export const fieldRoute: RouteRecordRaw = {
  path: '/field',
  component: () => import('../field/field-layout.vue'),
  meta: { permission: 'task.execute' },
  children: [
    field(
      '',
      'field',
      'field.title',
      () => import('../field/field-tasks-view.vue'),
    ),
    field(
      'tasks/:id(\\d+)',
      'field-task',
      'field.route',
      () => import('../field/field-task-view.vue'),
    ),
    field(
      'tasks/:id(\\d+)/points/:pointId(\\d+)',
      'field-point',
      'field.point',
      () => import('../field/field-point-view.vue'),
    ),
  ],
}
