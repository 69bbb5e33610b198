// Routing and escalation rules through the browser: the safety officer opens
// the page, picks a team in the tree, gives its `serious` level an own
// routing rule, saves, and clears it again. The steps share state.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { apiGet, loginAs, openBrowser, waitForText } from './lib/browser.js'

let browser
let team

before(async () => {
  browser = await openBrowser()
  await loginAs(browser.page, 'safety')
  const units = await apiGet(browser.page, '/org-units?page_size=200')
  team = units.items.find((u) => u.code === 'HG1-T1')
  assert.ok(team, 'the demo has team HG1-T1')
})

after(async () => {
  await browser?.close()
})

async function serious() {
  const config = await apiGet(browser.page, `/org-units/${team.id}/alert-routing`)
  return config.levels.find((l) => l.level === 'serious').routing
}

async function toggleOwnAndSave() {
  const { page } = browser
  const level = page.locator('[data-test=routing-level-serious]')
  await page.getByRole('tab', { name: '较大' }).click()
  await level.locator('[data-test=routing-own]').click()
  await page.locator('[data-test=routing-save]').click()
  await waitForText(page.locator('.el-message'), '推送与升级规则已保存')
}

test('a team gets its own rule for serious alerts and gives it up again', async () => {
  const { page } = browser
  await page.goto('/alerts/routing')
  await page.locator(`[data-test="org-node-${team.code}"]`).click()
  await waitForText(page.locator('[data-test=routing-rules] h3'), team.name)
  assert.equal((await serious()).own, false)

  await toggleOwnAndSave()
  const own = await serious()
  assert.equal(own.own, true)
  assert.equal(own.source_unit_id, team.id)
  assert.deepEqual(own.roles, ['dept_head'], 'starts from the values in force')

  await toggleOwnAndSave()
  assert.equal((await serious()).own, false)
})
