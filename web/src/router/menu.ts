/**
 * The side menu, filtered by permission: master data (org tree, areas,
 * points), which every role may read, apart from system administration.
 */
import {
  Document,
  Files,
  House,
  Key,
  Location,
  MapLocation,
  OfficeBuilding,
  Setting,
  User,
  Warning,
} from '@element-plus/icons-vue'
import type { Component } from 'vue'

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

export const MENU: MenuEntry[] = [
  item('home', '/', House),
  item('hazards', '/hazards', Warning, 'hazard.view'),
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
