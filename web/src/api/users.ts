/** User accounts, their roles and their sessions. */
import { http, type Page, type PageQuery } from './client'

export interface UserRole {
  id: number
  code: string
  name: string
}

export interface User {
  id: number
  username: string
  display_name: string
  phone: string | null
  email: string | null
  org_unit_id: number
  org_unit_name: string
  roles: UserRole[]
  active: boolean
  /** Locked right now (locked_until lies ahead). */
  locked?: boolean
  locked_until: string | null
  last_login_at: string | null
  totp_enabled: boolean
  version?: number
}

export interface UserQuery extends PageQuery {
  q?: string
  org_unit_id?: number
  active?: boolean
}

export interface UserInput {
  username: string
  display_name: string
  org_unit_id: number
  phone: string
  email: string
  role_ids: number[]
  password: string
}

export type UserPatch = Partial<
  Pick<UserInput, 'display_name' | 'org_unit_id' | 'phone' | 'email'>
> & { active?: boolean; version?: number }

export function listUsers(query: UserQuery) {
  return http.get<Page<User>>('/users', { ...query })
}

export function getUser(id: number) {
  return http.get<User>(`/users/${id}`)
}

export function createUser(input: UserInput) {
  return http.post<User>('/users', input)
}

export function updateUser(id: number, patch: UserPatch) {
  return http.patch<User>(`/users/${id}`, patch)
}

/**
 * Replaces the roles (needs role.manage); 409 separation_of_duties when
 * two administrator duties would meet in one user.
 */
export function setUserRoles(id: number, roleIds: number[]) {
  return http.put<User>(`/users/${id}/roles`, { role_ids: roleIds })
}

export function lockUser(id: number) {
  return http.post<void>(`/users/${id}/lock`)
}

export function unlockUser(id: number) {
  return http.post<void>(`/users/${id}/unlock`)
}

export function resetUserPassword(id: number, newPassword: string) {
  return http.post<void>(`/users/${id}/reset-password`, {
    new_password: newPassword,
  })
}

/** Forgets the user's two-factor secret so that they enrol again. */
export function resetUserTotp(id: number) {
  return http.post<void>(`/users/${id}/reset-totp`)
}

export function revokeUserSessions(id: number) {
  return http.post<void>(`/users/${id}/revoke-sessions`)
}
