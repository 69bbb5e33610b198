/**
 * The side menu, filtered by permission: master data (org tree, areas,
 * points), which every role may read, apart from system administration.
 */
import {
  CollectionTag,
  Document,
  Files,
  House,
  Key,
  Location,
  MapLocation,
  OfficeBuilding,
  Operation,
  Setting,
  Promotion,
  Share,
  Tickets,
  Timer,
  User,
  Warning,
} from '@element-plus/icons-vue'
import type { Component } from 'vue'

import { alertsMenu } from '@/views/alerts/menu'
import { fieldMenuItem, inspectionMenu } from '@/views/inspection/menu'

export interface MenuItem {
  name: string
  path: string
  titleKey: string
  icon: Component
  permission?: string
}

export interface MenuSection {
  key: string
  titleKey: string
  icon: Component
  items: MenuItem[]
}

export type MenuEntry = MenuItem | MenuSection

export function isSection(entry: MenuEntry): entry is MenuSection {
  return 'items' in entry
}

const item = (
  name: string,
  path: string,
  icon: Component,
  permission?: string,
): MenuItem => ({ name, path, titleKey: `nav.${name}`, icon, permission })

/** Outside channels of alert notices and their delivery log. */
const alertChannelItems: MenuItem[] = [
  {
    name: 'alert-channels',
    path: '/alerts/channels',
    titleKey: 'alertChannels.menuChannels',
    icon: Promotion,
    permission: 'alert.configure',
  },
  {
    name: 'alert-deliveries',
    path: '/alerts/deliveries',
    titleKey: 'alertChannels.menuDeliveries',
    icon: Tickets,
    permission: 'alert.configure',
  },
]

/** Routing and escalation rules, in the alerts section. */
const alertRoutingItem: MenuItem = {
  name: 'alert-routing',
  path: '/alerts/routing',
  titleKey: 'alertRouting.menu',
  icon: Share,
  permission: 'alert.configure',
}

/** Hazard configuration: the category dictionary and deadline rules. */
const hazardConfigMenu: MenuSection = {
  key: 'hazard-config',
  titleKey: 'hazardConfig.section',
  icon: Operation,
  items: [
    {
      name: 'hazard-categories',
      path: '/hazards/categories',
      titleKey: 'hazardConfig.menuCategories',
      icon: CollectionTag,
      permission: 'hazard.configure',
    },
    {
      name: 'hazard-deadline-rules',
      path: '/hazards/deadline-rules',
      titleKey: 'hazardConfig.menuDeadlines',
      icon: Timer,
      permission: 'hazard.configure',
    },
  ],
}

export const MENU: MenuEntry[] = [
  item('home', '/', House),
  item('hazards', '/hazards', Warning, 'hazard.view'),
  hazardConfigMenu,
  fieldMenuItem,
  inspectionMenu,
  {
    ...alertsMenu,
    items: [...alertsMenu.items, alertRoutingItem, ...alertChannelItems],
  },
  {
    key: 'master',
    titleKey: 'nav.master',
    icon: Files,
    items: [
      item('org', '/master/org', OfficeBuilding, 'org.view'),
      item('areas', '/master/areas', MapLocation, 'area.view'),
      item('points', '/master/points', Location, 'point.view'),
    ],
  },
  {
    key: 'admin',
    titleKey: 'nav.admin',
    icon: Setting,
    items: [
      item('users', '/admin/users', User, 'user.view'),
      item('roles', '/admin/roles', Key, 'role.view'),
      item('audit', '/admin/audit', Document, 'audit.view'),
    ],
  },
]

/** The menu entries the user may see; empty sections are dropped. */
export function visibleMenu(can: (permission: string) => boolean): MenuEntry[] {
  const allowed = (entry: MenuItem) =>
    !entry.permission || can(entry.permission)
  const result: MenuEntry[] = []
  for (const entry of MENU) {
    if (!isSection(entry)) {
      if (allowed(entry)) result.push(entry)
      continue
    }
    const items = entry.items.filter(allowed)
    if (items.length > 0) result.push({ ...entry, items })
  }
  return result
}
