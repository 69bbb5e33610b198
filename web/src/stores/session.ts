/** The signed-in user, their permissions and the sign-in actions. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import * as auth from '@/api/auth'
import { ApiError } from '@/api/client'
import { forgetUser, lastUser, rememberUser } from '@/offline/last-user'

export const useSessionStore = defineStore('session', () => {
  const me = ref<auth.Me | null>(null)
  const loaded = ref(false)
  const permissions = computed(() => new Set(me.value?.permissions ?? []))

  /** Whether the user holds `permission`. */
  function can(permission: string): boolean {
    return permissions.value.has(permission)
  }

  /**
   * Reads GET /me; no session leaves `me` empty instead of throwing. Without
   * a network the last user of this browser stands in (the field pages work
   * offline).
   */
  async function load(): Promise<auth.Me | null> {
    try {
      me.value = await auth.getMe()
      rememberUser(me.value)
    } catch (error) {
      me.value = null
      if (error instanceof ApiError && error.status === 0) me.value = lastUser()
      if (me.value) return me.value
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      forgetUser()
    } finally {
      loaded.value = true
    }
    return me.value
  }

  /** Signs in and loads the user; throws ApiError on refusal. */
  async function login(input: auth.LoginInput): Promise<auth.Me | null> {
    const answer = await auth.login(input)
    await load()
    if (me.value && answer.must_change_password) {
      me.value.must_change_password = true
    }
    return me.value
  }

  async function logout(): Promise<void> {
    try {
      await auth.logout()
    } finally {
      clear()
    }
  }

  /** Forgets the user, e.g. when the server says the session is gone. */
  function clear(): void {
    forgetUser()
    me.value = null
    loaded.value = true
  }

  /** Changes the own password, then re-reads what the session may do. */
  async function changePassword(oldPassword: string, newPassword: string) {
    await auth.changePassword(oldPassword, newPassword)
    if (me.value) me.value.must_change_password = false
    await load()
  }

  return { me, loaded, can, load, login, logout, clear, changePassword }
})
