/** Sign-in, sign-out, password and two-factor calls of the cookie session. */
import { http } from './client'

export type RoleScope = 'self' | 'unit' | 'subtree' | 'all'

export interface OrgUnitRef {
  id: number
  name: string
  kind: string
}

export interface MyRole {
  id: number
  code: string
  name: string
  scope: RoleScope
}

/** The signed-in user as GET /me describes them. */
export interface Me {
  id: number
  username: string
  display_name: string
  org_unit: OrgUnitRef
  roles: MyRole[]
  permissions: string[]
  must_change_password: boolean
  /** An administrator must turn on two-factor before anything else. */
  totp_enrollment_required?: boolean
  /** The session may only fix what the two flags above name. */
  restricted?: boolean
  totp_enabled: boolean
  locale?: string
}

export interface LoginInput {
  username: string
  password: string
  totp_code?: string
}

export interface LoginResult {
  token: string
  expires_at: string
  csrf_token: string
  must_change_password: boolean
  totp_enrollment_required?: boolean
  user: { id: number; username: string; display_name: string }
}

export interface TotpEnrollment {
  secret: string
  otpauth_uri: string
  qr_svg: string
}

/** Signs in; the server sets the session and CSRF cookies. */
export function login(input: LoginInput) {
  return http.post<LoginResult>('/auth/login', input)
}

/** Ends the current session. */
export function logout() {
  return http.post<void>('/auth/logout')
}

/** Returns the signed-in user, or throws ApiError 401 without a session. */
export function getMe() {
  return http.get<Me>('/me')
}

/** Changes the own password; 400 with fields.new_password on policy. */
export function changePassword(oldPassword: string, newPassword: string) {
  return http.post<void>('/auth/password', {
    old_password: oldPassword,
    new_password: newPassword,
  })
}

/** Starts two-factor enrolment: a new secret to scan. */
export function enrollTotp() {
  return http.post<TotpEnrollment>('/auth/totp/enroll')
}

/** Finishes two-factor enrolment with a code from the authenticator. */
export function confirmTotp(code: string) {
  return http.post<void>('/auth/totp/confirm', { code })
}
