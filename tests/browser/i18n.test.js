// Switching the language to English, and keeping it after a reload.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, test } from 'node:test'

import { loginAs, openBrowser, waitForText } from './lib/browser.js'

let browser
beforeEach(async () => {
  browser = await openBrowser()
})
afterEach(async () => {
  await browser.close()
})

test('switching to English shows English labels, also after reload', async () => {
  const { page } = browser
  await loginAs(page, 'admin')
  const home = page.locator('[data-test=menu-home]')
  await waitForText(home, '首页')

  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=locale-en]').click()

  await waitForText(home, 'Home')
  await waitForText(page.locator('[data-test=menu-org]'), 'Organization')
  await waitForText(page.locator('[data-test=breadcrumb]'), 'Home')
  assert.equal(await page.locator('html').getAttribute('lang'), 'en')

  await page.reload()
  await waitForText(page.locator('[data-test=menu-home]'), 'Home')
  assert.match(await page.title(), /Anxun/)
})
