/**
 * The router (history mode) and its guard: no session → login; a forced
 * password change comes before anything else; pages check permissions.
 */
import { createRouter, createWebHistory } from 'vue-router'

import { onUnauthenticated } from '@/api/client'
import { useSessionStore } from '@/stores/session'

import { routes } from './routes'

export const router = createRouter({
  history: createWebHistory(),
  routes,
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  if (!session.loaded) {
    // A failure other than 401 (server down) shows the login page, which
    // then reports the error itself when the user tries to log in.
    await session.load().catch(() => null)
  }

  if (to.meta.public) {
    return to.name === 'login' && session.me ? { name: 'home' } : true
  }
  if (!session.me) {
    const redirect = to.fullPath === '/' ? undefined : to.fullPath
    return { name: 'login', query: redirect ? { redirect } : {} }
  }
  if (session.me.must_change_password && to.name !== 'change-password') {
    return { name: 'change-password' }
  }
  if (session.me.totp_enrollment_required && to.name !== 'totp') {
    return { name: 'totp' }
  }
  if (to.meta.permission && !session.can(to.meta.permission)) {
    return { name: 'forbidden' }
  }
  return true
})

onUnauthenticated(() => {
  const session = useSessionStore()
  // Before the first GET /me succeeds a 401 is the normal signed-out state,
  // which the guard handles; afterwards it means the session has ended.
  const wasSignedIn = session.me !== null
  session.clear()
  const current = router.currentRoute.value
  if (!wasSignedIn || current.meta.public) return
  void router.push({
    name: 'login',
    query: { redirect: current.fullPath, expired: '1' },
  })
})
