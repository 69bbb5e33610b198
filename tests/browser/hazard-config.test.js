// Hazard configuration through the browser: the safety officer adds a
// category and finds it offered when reporting, sets the `general` deadline
// on 化工一厂 (HG1) and sees it in force, inherited, at team HG1-T1; the
// inspector has no such menu. The steps share state, so they run in order.
//
// The category dictionary is enterprise-wide: editing it takes
// hazard.configure over a root of the org tree, which no demo account has.
// The security administrator therefore gives `safety` an extra role with that
// permission and scope `all` for this file, and takes it away afterwards.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import {
  BASE_URL,
  DEMO_PASSWORD,
  apiGet,
  loginAs,
  openBrowser,
  waitForText,
} from './lib/browser.js'

const ROLE = 'hazard_dictionary_e2e'
const code = `e2e_${Date.now() % 1e8}`
const name = `起重吊装 E2E ${code.slice(4)}`

let browser
let secToken
let safetyUser
let safetyRoleIds
let extraRoleId

/** A JSON call of the API with a bearer token. */
async function call(token, method, apiPath, body) {
  const response = await fetch(`${BASE_URL}/api/v1${apiPath}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

async function setSafetyRoles(roleIds) {
  const res = await call(secToken, 'PUT', `/users/${safetyUser.id}/roles`, { role_ids: roleIds })
  assert.equal(res.status, 200, JSON.stringify(res.body))
}

before(async () => {
  const login = await call(null, 'POST', '/auth/login', {
    username: 'secadmin',
    password: DEMO_PASSWORD,
  })
  assert.equal(login.status, 200)
  secToken = login.body.token
  let roles = (await call(secToken, 'GET', '/roles?page_size=200')).body.items
  if (!roles.some((r) => r.code === ROLE)) {
    const made = await call(secToken, 'POST', '/roles', {
      code: ROLE,
      name: '隐患字典维护（测试）',
      scope: 'all',
      permissions: ['hazard.configure'],
    })
    assert.equal(made.status, 201, JSON.stringify(made.body))
    roles = (await call(secToken, 'GET', '/roles?page_size=200')).body.items
  }
  const users = (await call(secToken, 'GET', '/users?page_size=200')).body.items
  safetyUser = users.find((u) => u.username === 'safety')
  extraRoleId = roles.find((r) => r.code === ROLE).id
  safetyRoleIds = safetyUser.roles.map((r) => r.id).filter((id) => id !== extraRoleId)
  await setSafetyRoles([...safetyRoleIds, extraRoleId])
  browser = await openBrowser()
})

after(async () => {
  if (safetyRoleIds) await setSafetyRoles(safetyRoleIds)
  await browser?.close()
})

test('the safety officer adds a category and finds it in the report form', async () => {
  const { page } = browser
  await loginAs(page, 'safety')
  await page.locator('[data-test=menu-hazard-config]').click()
  await page.locator('[data-test=menu-hazard-categories]').click()
  await page.waitForURL('**/hazards/categories')
  await page.locator('[data-test=category-status-fire]').waitFor()

  await page.locator('[data-test=category-create]').click()
  await page.locator('input[data-test=category-code]').fill(code)
  await page.locator('input[data-test=category-name]').fill(name)
  await page.locator('input[data-test=category-name-en]').fill('Lifting E2E')
  await page.locator('[data-test=category-save]').click()
  await waitForText(page.locator('.el-message'), '类别已保存')
  await waitForText(page.locator(`[data-test=category-status-${code}]`), '启用')

  // The code stays as it was when renaming.
  await page.locator(`[data-test=category-rename-${code}]`).click()
  assert.equal(await page.locator('input[data-test=category-code]').isDisabled(), true)
  await page.locator('input[data-test=category-name]').fill(`${name} 改`)
  await page.locator('[data-test=category-save]').click()
  await waitForText(page.locator('[data-test=category-table]'), `${name} 改`)

  await page.goto('/hazards/new')
  await page.locator('[data-test=report-category]').click()
  await waitForText(page.locator(`[data-test="category-option-${code}"]:visible`), `${name} 改`)
  await page.keyboard.press('Escape')

  // Deactivated, it is no longer offered; activated, it is back.
  await page.goto('/hazards/categories')
  await page.locator(`[data-test=category-deactivate-${code}]`).click()
  await waitForText(page.locator(`[data-test=category-status-${code}]`), '已停用')
  let listed = await apiGet(page, '/hazard-categories')
  assert.ok(!listed.items.some((c) => c.code === code))
  await page.locator(`[data-test=category-activate-${code}]`).click()
  await waitForText(page.locator(`[data-test=category-status-${code}]`), '启用')
  listed = await apiGet(page, '/hazard-categories')
  assert.ok(listed.items.some((c) => c.code === code))
})

test('a deadline set on HG1 is in force, inherited, at team HG1-T1', async () => {
  const { page } = browser
  const units = (await apiGet(page, '/org-units?page_size=200')).items
  const plant = units.find((u) => u.code === 'HG1')
  const team = units.find((u) => u.code === 'HG1-T1')
  const unitName = page.locator('[data-test=deadline-unit-name]')

  await page.locator('[data-test=menu-hazard-config]').click()
  await page.locator('[data-test=menu-hazard-deadline-rules]').click()
  await page.waitForURL('**/hazards/deadline-rules')
  await waitForText(unitName, plant.name)
  await waitForText(page.locator('[data-test=deadline-value-general]'), '7 天')

  await page.locator('[data-test=deadline-edit-general]').click()
  await page.locator('[data-test=deadline-mode-days]').click()
  const amount = page
    .locator('[data-test=deadline-amount] input, input[data-test=deadline-amount]')
    .first()
  await amount.fill('3')
  await amount.press('Tab')
  await page.locator('[data-test=deadline-save]').click()
  await waitForText(page.locator('.el-message'), '期限规则已保存')
  await waitForText(page.locator('[data-test=deadline-value-general]'), '3 天')
  await waitForText(page.locator('[data-test=deadline-origin-general]'), '本单位设置')

  await page.locator(`[data-test="org-node-${team.code}"]`).click()
  await waitForText(unitName, team.name)
  await waitForText(page.locator('[data-test=deadline-value-general]'), '3 天')
  await waitForText(page.locator('[data-test=deadline-origin-general]'), `继承自 ${plant.name}`)
  assert.equal(
    await page.locator('[data-test=deadline-origin-general]').getAttribute('data-origin'),
    'inherited',
  )
  assert.equal(await page.locator('[data-test=deadline-remove-general]').count(), 0)
  const effective = await apiGet(page, `/hazard-deadline-rules?org_unit_id=${team.id}`)
  assert.equal(effective.effective.general, 72)

  // Removing the plant's own rule lets it inherit the default again.
  await page.locator(`[data-test="org-node-${plant.code}"]`).click()
  await waitForText(unitName, plant.name)
  await page.locator('[data-test=deadline-remove-general]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  await waitForText(page.locator('[data-test=deadline-value-general]'), '7 天')
  await waitForText(page.locator('[data-test=deadline-origin-general]'), '系统默认')
})

test('the inspector sees no hazard configuration menu and is refused the pages', async () => {
  const { page } = browser
  await page.context().clearCookies()
  await loginAs(page, 'inspector')
  await page.locator('[data-test=menu-hazards]').waitFor()
  assert.equal(await page.locator('[data-test=menu-hazard-config]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-hazard-categories]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-hazard-deadline-rules]').count(), 0)
  await page.goto('/hazards/deadline-rules')
  await page.waitForURL('**/forbidden')
})
