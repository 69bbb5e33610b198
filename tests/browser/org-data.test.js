// An administrator creates an area and a point on a plant's floor plan and
// prints the point's QR label. The steps share state, so they run in order.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { loginAs, openBrowser, uniqueCode, waitForText } from './lib/browser.js'

let browser
let plantNode
const area = { code: uniqueCode('E2EA'), name: `测试区域${Date.now() % 1e6}` }
const point = {
  code: uniqueCode('E2EP'),
  name: `测试巡检点${Date.now() % 1e6}`,
}

before(async () => {
  browser = await openBrowser()
  await loginAs(browser.page, 'admin')
})
after(async () => {
  await browser.close()
})

/** Selects the first plant in the org tree; remembers it for later pages. */
async function selectPlant(page) {
  const tree = page.locator('[data-test=org-tree]')
  if (!plantNode) {
    const first = tree.locator('[data-kind=plant]').first()
    await first.waitFor()
    plantNode = await first.getAttribute('data-test')
  }
  await tree.locator(`[data-test="${plantNode}"]`).click()
}

/** Clicks the floor plan at fractions (fx, fy) once its image has loaded. */
async function placeOnPlan(dialog, fx, fy) {
  const canvas = dialog.locator('[data-test=floor-plan-canvas]')
  await canvas.locator('img').waitFor()
  await dialog
    .page()
    .waitForFunction(
      (element) => element.complete && element.naturalWidth > 0,
      await canvas.locator('img').elementHandle(),
    )
  const box = await canvas.boundingBox()
  await canvas.click({ position: { x: box.width * fx, y: box.height * fy } })
  await dialog.locator('[data-test=floor-plan-current]').waitFor()
}

async function searchRow(page, input, code) {
  await page.locator(`[data-test=${input}]`).fill(code)
  await page.locator(`[data-test=${input}]`).press('Enter')
  const row = page.locator('.el-table__body tr', { hasText: code })
  await row.first().waitFor()
  return row.first()
}

test('admin creates an area placed on the floor plan', async () => {
  const { page } = browser
  await page.goto('/master/areas')
  await selectPlant(page)

  await page.locator('[data-test=area-new]').click()
  const dialog = page.locator('.el-dialog[data-test=area-dialog]')
  await dialog.waitFor()
  await dialog.locator('[data-test=area-code]').fill(area.code)
  await dialog.locator('[data-test=area-name]').fill(area.name)
  await placeOnPlan(dialog, 0.25, 0.4)
  await dialog.locator('[data-test=area-save]').click()
  await dialog.waitFor({ state: 'hidden' })

  const row = await searchRow(page, 'areas-q', area.code)
  await waitForText(row, area.name)
})

test('admin creates a point in that area', async () => {
  const { page } = browser
  await page.goto('/master/points')
  await selectPlant(page)

  await page.locator('[data-test=point-new]').click()
  const dialog = page.locator('.el-dialog[data-test=point-dialog]')
  await dialog.waitFor()
  await dialog.locator('[data-test=point-code]').fill(point.code)
  await dialog.locator('[data-test=point-name]').fill(point.name)
  await dialog.locator('[data-test=point-area]').click()
  await page
    .locator('.el-select-dropdown__item:visible', { hasText: area.name })
    .click()
  await placeOnPlan(dialog, 0.3, 0.45)
  await dialog.locator('[data-test=point-save]').click()
  await dialog.waitFor({ state: 'hidden' })

  const row = await searchRow(page, 'points-q', point.code)
  await waitForText(row, point.name)
  await waitForText(row, area.name)
})

test('the point shows its QR code and prints a label sheet', async () => {
  const { page, context } = browser
  const row = await searchRow(page, 'points-q', point.code)

  await row.locator('[data-test=point-show-qr]').click()
  const qr = page.locator('.el-dialog[data-test=point-qr-dialog] img')
  await qr.waitFor()
  await page.waitForFunction(
    (element) => element.complete && element.naturalWidth > 0,
    await qr.elementHandle(),
  )
  await page.keyboard.press('Escape')
  await qr.waitFor({ state: 'hidden' })

  await row.locator('.el-checkbox').click()
  const [labels] = await Promise.all([
    context.waitForEvent('page'),
    page.locator('[data-test=points-print-labels]').click(),
  ])
  await labels.waitForLoadState()

  assert.match(new URL(labels.url()).pathname, /\/api\/v1\/points\/labels$/)
  assert.ok((await labels.locator('svg').count()) > 0, 'no <svg> on labels')
  assert.match(await labels.locator('body').innerText(), new RegExp(point.code))
})
