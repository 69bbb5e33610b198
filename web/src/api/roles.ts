/** Roles (built-in and custom) and the permission catalogue. */
import { fetchAll, http } from './client'
import type { RoleScope } from './auth'

export const ROLE_SCOPES: RoleScope[] = ['self', 'unit', 'subtree', 'all']

export interface Role {
  id: number
  code: string
  name: string
  name_en?: string
  builtin: boolean
  /** The administrator duty the role carries: system, security or audit. */
  duty?: string | null
  scope: RoleScope
  permissions: string[]
  active?: boolean
  version?: number
  user_count?: number
}

export interface Permission {
  code: string
  module: string
  name_zh: string
  name_en: string
}

export interface RoleInput {
  code: string
  name: string
  name_en: string
  scope: RoleScope
  permissions: string[]
}

export type RolePatch = Partial<Omit<RoleInput, 'code'>> & {
  active?: boolean
  version?: number
}

/** Every role visible to the caller (all pages). */
export function listRoles() {
  return fetchAll<Role>('/roles')
}

export function createRole(input: RoleInput) {
  return http.post<Role>('/roles', input)
}

export function updateRole(id: number, patch: RolePatch) {
  return http.patch<Role>(`/roles/${id}`, patch)
}

export async function listPermissions() {
  const answer = await http.get<{ items: Permission[] }>('/permissions')
  return answer.items
}
