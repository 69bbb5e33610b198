/** Menu entries of inspection: the field view and the administrators' section. */
import {
  Calendar,
  Checked,
  Guide,
  Iphone,
  List,
  Tickets,
  WarningFilled,
} from '@element-plus/icons-vue'
import type { Component } from 'vue'

import type { MenuItem, MenuSection } from '@/router/menu'

const item = (
  name: string,
  path: string,
  icon: Component,
  permission: string,
): MenuItem => ({
  name,
  path,
  titleKey: `inspection.nav.${name}`,
  icon,
  permission,
})

/** The inspector's phone view. */
export const fieldMenuItem: MenuItem = {
  name: 'field',
  path: '/field',
  titleKey: 'field.title',
  icon: Iphone,
  permission: 'task.execute',
}

export const inspectionMenu: MenuSection = {
  key: 'inspection',
  titleKey: 'inspection.nav.section',
  icon: Checked,
  items: [
    item('plans', '/inspection/plans', Calendar, 'plan.view'),
    item('tasks', '/inspection/tasks', List, 'task.manage'),
    item('flags', '/inspection/flags', WarningFilled, 'task.manage'),
    item('routes', '/inspection/routes', Guide, 'plan.view'),
    item('templates', '/inspection/templates', Tickets, 'plan.view'),
  ],
}
