// Logging in, the refusal of a wrong password, and the side menu by role.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, test } from 'node:test'

import {
  DEMO_PASSWORD,
  apiGet,
  loginAs,
  openBrowser,
  submitLogin,
} from './lib/browser.js'

/** Menu entries of the two console sections and what each needs. */
const ADMIN_MENU = {
  org: 'org.view',
  areas: 'area.view',
  points: 'point.view',
  users: 'user.view',
  roles: 'role.view',
  audit: 'audit.view',
}

let browser
beforeEach(async () => {
  browser = await openBrowser()
})
afterEach(async () => {
  await browser.close()
})

/** Checks that each administration menu shows exactly when allowed. */
async function assertMenuFollowsPermissions(page) {
  const me = await apiGet(page, '/me')
  const shown = {}
  for (const [name, permission] of Object.entries(ADMIN_MENU)) {
    const item = page.locator(`[data-test=menu-${name}]`)
    shown[name] = await item.isVisible()
    const allowed = me.permissions.includes(permission)
    assert.equal(shown[name], allowed, `menu ${name} vs ${permission}`)
  }
  return shown
}

test('a wrong password shows the error; the right one then works', async () => {
  const { page } = browser

  await submitLogin(page, 'owner', `${DEMO_PASSWORD}-wrong`)

  const error = page.locator('[data-test=login-error]')
  await error.waitFor()
  assert.match(await error.innerText(), /用户名或密码错误/)
  assert.equal(new URL(page.url()).pathname, '/login')

  // A success right after resets the failure count, so reruns never lock
  // the demo account.
  await loginAs(page, 'owner')
})

test('admin sees the administration menus its permissions allow', async () => {
  const { page } = browser

  await loginAs(page, 'admin')
  await page.locator('[data-test=menu-org]').waitFor()
  const shown = await assertMenuFollowsPermissions(page)

  for (const name of ['org', 'areas', 'points', 'users']) {
    assert.equal(shown[name], true, `admin should see menu ${name}`)
  }
  assert.ok(await page.locator('[data-test=menu-admin]').isVisible())
  const title = await page.title()
  assert.match(title, /安巡 · 工业安全巡检/)
})

test('inspector sees no administration menus and is refused them', async () => {
  const { page } = browser

  await loginAs(page, 'inspector')
  await page.locator('[data-test=home-greeting]').waitFor()
  const shown = await assertMenuFollowsPermissions(page)

  // Master data stays readable to inspectors; administration does not.
  assert.equal(await page.locator('[data-test=menu-admin]').count(), 0)
  for (const name of ['users', 'roles', 'audit']) {
    assert.equal(shown[name], false, `inspector should not see menu ${name}`)
  }
  await page.goto('/admin/users')
  await page.waitForURL('**/forbidden')
})
