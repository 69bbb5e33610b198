// The hazard loop through the browser: the inspector reports a hazard with a
// photo, the safety officer verifies and assigns it, the owner submits the
// rectification with an after photo, the safety officer approves and the
// hazard is closed. The steps share state, so they run in order.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { deflateSync } from 'node:zlib'

import { apiGet, loginAs, openBrowser, waitForText } from './lib/browser.js'

let browser
let photoDir
let hazardPath
const title = `消防通道被占用 E2E ${Date.now() % 1e8}`

// ---- a tiny valid PNG ------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let v = n
  for (let k = 0; k < 8; k++) v = v & 1 ? 0xedb88320 ^ (v >>> 1) : v >>> 1
  return v >>> 0
})

function crc32(bytes) {
  let v = 0xffffffff
  for (const b of bytes) v = CRC_TABLE[(v ^ b) & 0xff] ^ (v >>> 8)
  return (v ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A 2×2 RGB PNG whose first pixel depends on `seed`. */
function png(seed) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(2, 0)
  header.writeUInt32BE(2, 4)
  header[8] = 8
  header[9] = 2
  const raw = Buffer.from([0, seed & 255, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

async function photo(name, seed) {
  const file = path.join(photoDir, name)
  await writeFile(file, png(seed))
  return file
}

// ---- helpers ---------------------------------------------------------------

/** Signs out by dropping the cookies and signs in as `username`. */
async function switchUser(page, username) {
  await page.context().clearCookies()
  await loginAs(page, username)
}

/** Picks the option `optionTest` of the el-select `selectTest`. */
async function choose(scope, selectTest, optionTest, typed) {
  const page = scope.page ? scope.page() : scope
  const select = scope.locator(`[data-test=${selectTest}]`)
  await select.click()
  if (typed) await select.locator('input').fill(typed)
  await page.locator(`[data-test="${optionTest}"]:visible`).first().click()
}

async function openAction(page, action) {
  await page.locator(`[data-test=hazard-action-${action}]`).click()
  const dialog = page.locator(`.el-dialog[data-test=hazard-dialog-${action}]`)
  await dialog.waitFor()
  return dialog
}

async function confirm(dialog) {
  await dialog.locator('[data-test=action-confirm]').click()
  await dialog.waitFor({ state: 'hidden' })
}

async function expectState(page, text) {
  await waitForText(page.locator('[data-test=hazard-state]'), text)
}

before(async () => {
  photoDir = await mkdtemp(path.join(tmpdir(), 'anxun-photos-'))
  browser = await openBrowser()
})
after(async () => {
  await rm(photoDir, { recursive: true, force: true })
  await browser.close()
})

// ---- the loop --------------------------------------------------------------

test('the inspector reports a hazard with a photo', async () => {
  const { page } = browser
  await loginAs(page, 'inspector')
  await page.goto('/hazards/new')

  await page.locator('[data-test=report-title]').fill(title)
  await page.locator('[data-test=report-description]').fill('叉车停放在通道')
  const select = page.locator('[data-test=report-point]')
  await select.click()
  await page.locator('[data-test^=point-option-]:visible').first().click()
  await choose(page, 'report-category', 'category-option-fire')
  await page
    .locator('[data-test=report-no-duplicates], [data-test=report-duplicates]')
    .first()
    .waitFor()
  await page.locator('[data-test=report-level-general]').click()
  await page
    .locator('[data-test=report-photos-file]')
    .setInputFiles(await photo('before.png', 11))
  await page.locator('[data-test=report-photos-photo]').waitFor()
  await page.locator('[data-test=report-submit]').click()

  await page.waitForURL(/\/hazards\/\d+$/)
  hazardPath = new URL(page.url()).pathname
  await waitForText(page.locator('[data-test=hazard-title]'), title)
  await expectState(page, '待核实')
  await page.locator('[data-test=hazard-photos-before] img').first().waitFor()
})

test('the safety officer finds it under 待核实, verifies and assigns it', async () => {
  const { page } = browser
  await switchUser(page, 'safety')
  await page.goto('/hazards')
  await page.locator('[data-test=hazard-tab-reported]').click()
  await page.locator('[data-test=hazards-q]').fill(title)
  await page.locator('[data-test=hazards-q]').press('Enter')
  const row = page.locator('.el-table__body tr', { hasText: title }).first()
  await row.waitFor()
  await row.locator('a[data-test^=hazard-row-]').click()
  await page.waitForURL((url) => url.pathname === hazardPath)

  const verify = await openAction(page, 'verify')
  await verify.locator('[data-test=action-level-general]').click()
  await confirm(verify)
  await expectState(page, '待派单')

  const assign = await openAction(page, 'assign')
  await choose(assign, 'action-owner', 'user-option-owner', 'owner')
  await assign.locator('[data-test=action-measures]').fill('移走叉车')
  await confirm(assign)
  await expectState(page, '整改中')
  await waitForText(page.locator('[data-test=hazard-owner]'), '刘海')
  // Only the owner may submit: the officer is not offered the button.
  assert.equal(
    await page.locator('[data-test=hazard-action-submit]').count(),
    0,
  )
})

test('the owner submits the rectification with an after photo', async () => {
  const { page } = browser
  await switchUser(page, 'owner')
  await page.goto(hazardPath)

  const submit = await openAction(page, 'submit')
  await submit.locator('[data-test=action-note]').fill('已移走叉车')
  await submit
    .locator('[data-test=action-photos-file]')
    .setInputFiles(await photo('after.png', 22))
  await submit.locator('[data-test=action-photos-photo]').waitFor()
  await confirm(submit)

  await expectState(page, '待复核')
  await page.locator('[data-test=hazard-photos-after] img').first().waitFor()
})

test('the safety officer approves and the hazard is closed', async () => {
  const { page } = browser
  await switchUser(page, 'safety')
  await page.goto(hazardPath)

  const approve = await openAction(page, 'approve')
  await approve.locator('[data-test=action-comment]').fill('合格')
  await confirm(approve)

  await expectState(page, '已闭环')
  assert.equal(
    await page.locator('[data-test=hazard-actions] button').count(),
    0,
  )
  const id = hazardPath.split('/').pop()
  const hazard = await apiGet(page, `/hazards/${id}`)
  assert.deepEqual(
    hazard.history.map((entry) => entry.action),
    ['report', 'verify', 'assign', 'submit', 'approve'],
  )
})
