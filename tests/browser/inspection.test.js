// Inspection through the browser: the safety officer plans a twice-daily
// round and sees its next occurrences before saving; an inspector on a phone
// checks in by hand at a point of an urgent task, fills the checklist with a
// failing item (reporting the hazard in one tap), loses the network, submits,
// sees the work waiting, and once back online the result is on the server
// exactly once. The steps share state, so they run in order.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { apiGet, loginAs, openBrowser, waitForText } from './lib/browser.js'
import { png } from './lib/png.js'

let browser
let photoDir
let point
let task
let labelled
let labelTask
let labelPhoto
const stamp = Date.now() % 1e8
const planName = `储罐区早晚巡检 E2E ${stamp}`
const PHONE = { width: 390, height: 844 }

/** POST /api/v1<path> from inside the page, with its session and CSRF token. */
async function apiPost(page, apiPath, body) {
  return page.evaluate(
    async ([target, payload]) => {
      const csrf =
        document.cookie.match(/(?:^|; )anxun_csrf=([^;]*)/)?.[1] ?? ''
      const response = await fetch(target, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          'X-CSRF-Token': decodeURIComponent(csrf),
        },
        body: JSON.stringify(payload),
      })
      const text = await response.text()
      if (!response.ok)
        throw new Error(`${target}: HTTP ${response.status} ${text}`)
      return JSON.parse(text)
    },
    [`/api/v1${apiPath}`, body],
  )
}

/** Closes alert pop-ups (the alert module's) that would cover the page. */
async function dismissAlertPopups(page) {
  const dismiss = page.locator('[data-test=alert-popup-dismiss]:visible')
  let quiet = 0
  while (quiet < 6) {
    if ((await dismiss.count()) === 0) {
      quiet++
      await page.waitForTimeout(250)
      continue
    }
    quiet = 0
    await dismiss
      .first()
      .click({ timeout: 5000 })
      .catch(() => undefined)
  }
}

/**
 * Picks the first option (containing `typed`) of a multiple el-select in
 * `dialog`, then closes the list by clicking the dialog's title.
 */
async function pickOptions(dialog, selectTest, optionTest, typed) {
  const page = dialog.page()
  const select = dialog.locator(`[data-test=${selectTest}]`)
  await select.click()
  if (typed) await select.locator('input').fill(typed)
  const option = page.locator(`[data-test=${optionTest}]:visible`, {
    hasText: typed ?? '',
  })
  await option.first().click()
  await dialog.locator('.el-dialog__title').click()
  await page
    .locator(`[data-test=${optionTest}]:visible`)
    .first()
    .waitFor({ state: 'hidden' })
}

/** Signs out by dropping the cookies and signs in as `username`. */
async function switchUser(page, username) {
  await page.context().clearCookies()
  await loginAs(page, username)
}

/** A PNG photo of the point's printed QR label, as a phone camera would take. */
async function photographLabel(context, labelPoint) {
  const tab = await context.newPage()
  await tab.setViewportSize({ width: 480, height: 480 })
  await tab.goto(`/api/v1/points/${labelPoint.id}/qr.svg`)
  labelPhoto = path.join(photoDir, 'label.png')
  await tab.screenshot({ path: labelPhoto })
  await tab.close()
}

/** A checklist with every kind the test answers, and an urgent task using it. */
async function dispatchTask(page) {
  const me = await apiGet(page, '/me')
  point = (await apiGet(page, '/points?active=true&sort=code&page_size=1'))
    .items[0]
  const users = (await apiGet(page, '/users?q=inspector&page_size=50')).items
  const inspector = users.find((u) => u.username === 'inspector')
  const template = await apiPost(page, '/checklist-templates', {
    org_unit_id: me.org_unit.id,
    name: `储罐检查表 E2E ${stamp}`,
    sections: [
      {
        title: '储罐',
        items: [
          {
            label: '罐体无渗漏',
            kind: 'pass_fail',
            criterion: '目视无渗漏、无锈蚀',
            on_fail: {
              require_note: true,
              propose_hazard: true,
              mark_abnormal: true,
            },
          },
          { label: '液位', kind: 'number', unit: '%', min: 10, max: 85 },
          {
            label: '进料阀',
            kind: 'choice',
            options: [
              { value: 'open', label: '开' },
              { value: 'closed', label: '关' },
            ],
          },
          { label: '现场照片', kind: 'photo', photo_count: 1 },
          { label: '备注', kind: 'text', required: false },
        ],
      },
    ],
  })
  labelled = (await apiGet(page, '/points?active=true&sort=-code&page_size=1'))
    .items[0]
  labelTask = await apiPost(page, '/tasks', {
    title: `消防器材巡查 E2E ${stamp}`,
    point_ids: [labelled.id],
    assignee_ids: [inspector.id],
  })
  await photographLabel(page.context(), labelled)
  task = await apiPost(page, '/tasks', {
    title: `暴雨后储罐专项检查 E2E ${stamp}`,
    point_ids: [point.id],
    assignee_ids: [inspector.id],
    template_id: template.id,
    duration_minutes: 240,
  })
}

before(async () => {
  photoDir = await mkdtemp(path.join(tmpdir(), 'anxun-insp-photos-'))
  browser = await openBrowser()
})
after(async () => {
  await rm(photoDir, { recursive: true, force: true })
  await browser.close()
})

test('the safety officer plans a round and sees the next ten occurrences', async () => {
  const { page } = browser
  await loginAs(page, 'safety')
  await page.goto('/inspection/plans')
  await dismissAlertPopups(page)
  await page.locator('[data-test=plan-new]').click()
  const dialog = page.locator('.el-dialog[data-test=plan-dialog]')
  await dialog.waitFor()

  await dialog.locator('[data-test=plan-name]').fill(planName)
  await pickOptions(dialog, 'plan-points', 'plan-points-option')
  await pickOptions(dialog, 'plan-assignees', 'plan-assignees-option', '王强')
  await dialog.locator('[data-test=rule-add-time]').click()
  await dialog.locator('[data-test=rule-time-1]').waitFor()

  await waitForText(
    dialog.locator('[data-test=plan-description]'),
    '每天 08:00 和 20:00',
  )
  await page.waitForFunction(
    () =>
      document.querySelectorAll('[data-test=plan-occurrence]').length === 10,
  )
  await dialog.locator('[data-test=plan-save]').click()
  await dialog.waitFor({ state: 'hidden' })

  const plans = await apiGet(page, `/plans?q=${encodeURIComponent(planName)}`)
  assert.equal(plans.total, 1)
  assert.equal(plans.items[0].rrule, 'FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0')
  assert.equal(plans.items[0].description, '每天 08:00 和 20:00')
  const id = plans.items[0].id
  await page.locator(`[data-test=plan-toggle-${id}]`).click()
  await waitForText(page.locator(`[data-test=plan-state-${id}]`), '已暂停')
  assert.equal((await apiGet(page, `/plans/${id}`)).active, false)

  await dispatchTask(page)
})

test('the inspector checks in by hand on a phone and fills the checklist', async () => {
  const { page } = browser
  await switchUser(page, 'inspector')
  await page.setViewportSize(PHONE)
  await page.goto('/field')

  await page.locator(`[data-test=field-task-${task.id}]`).click()
  await page.locator(`[data-test=route-point-${point.id}]`).click()
  await page.locator('[data-test=check-in-manual]').click()
  await page
    .locator('[data-test=manual-reason]')
    .fill('标签被油污覆盖，无法扫码')
  await page.locator('[data-test=manual-submit]').click()
  await page.locator('[data-test=checklist]').waitFor()
  await waitForText(page.locator('[data-test=outbox-count]'), '已全部同步')

  await page.locator('[data-test=item-s1i1-fail]').click()
  await page.locator('[data-test=item-s1i1-note]').fill('罐底法兰渗漏')
  await page.locator('[data-test=item-s1i2-input]').fill('95')
  await waitForText(page.locator('[data-test=item-s1i2]'), '超出正常范围')
  await page.locator('[data-test=item-s1i3-open]').click()
  const photo = path.join(photoDir, 'tank.png')
  await writeFile(photo, png(42))
  await page.locator('[data-test=item-s1i4-photos-file]').setInputFiles(photo)
  await page.locator('[data-test=item-s1i4-photos-photo] img').waitFor()
})

test('one tap reports the failing item as a hazard, prefilled', async () => {
  const { page } = browser
  await page.locator('[data-test=item-s1i1-hazard]').click()
  const sheet = page.locator('[data-test=hazard-sheet]')
  await sheet.waitFor()
  const title = await sheet.locator('[data-test=sheet-title]').inputValue()
  assert.match(title, /罐体无渗漏异常/)
  assert.match(
    await sheet.locator('[data-test=sheet-description]').inputValue(),
    /罐底法兰渗漏/,
  )
  await sheet.locator('[data-test=sheet-submit]').click()
  await sheet.waitFor({ state: 'hidden' })
  await waitForText(page.locator('[data-test=outbox-count]'), '已全部同步')

  const hazards = await apiGet(page, `/hazards?q=${encodeURIComponent(title)}`)
  const hazard = hazards.items.find((h) => h.title === title)
  assert.ok(hazard, 'the hazard reached the server')
  assert.equal(hazard.point_id, point.id)
  assert.equal(hazard.source, 'inspection')
})

test('offline, the result waits on the phone; back online it arrives once', async () => {
  const { page, context } = browser
  await context.setOffline(true)
  await page.locator('[data-test=field-offline]').waitFor()
  await page.locator('[data-test=checklist-submit]').click()
  await page.locator('[data-test=point-done]').waitFor()
  await waitForText(page.locator('[data-test=outbox-count]'), '1 待同步')

  // Closed and opened again without a network, the page still has the work.
  await page.goto(`/field/tasks/${task.id}`)
  await page
    .locator('[data-test=field-route] [data-test=field-cached]')
    .waitFor()
  await page.locator('[data-test=route-point-state-done]').waitFor()
  await waitForText(page.locator('[data-test=outbox-count]'), '1 待同步')

  await context.setOffline(false)
  await waitForText(page.locator('[data-test=outbox-count]'), '已全部同步')

  const stored = await apiGet(page, `/tasks/${task.id}`)
  assert.equal(stored.status, 'completed')
  assert.equal(stored.check_ins.length, 1)
  assert.equal(stored.check_ins[0].method, 'manual')
  assert.equal(stored.check_ins[0].reason, '标签被油污覆盖，无法扫码')
  assert.equal(stored.results.length, 1)
  const [result] = stored.results
  assert.equal(result.abnormal, true)
  assert.match(result.note, /罐底法兰渗漏/)
  assert.equal(result.answers.s1i1, 'fail')
  assert.equal(result.answers.s1i2, 95)
  assert.equal(result.answers.s1i3, 'open')
  assert.equal(result.answers.s1i4.length, 1)
  assert.equal(typeof result.answers.s1i4[0].file_id, 'number')
  assert.match(result.answers.s1i4[0].sha256, /^[0-9a-f]{64}$/)
  assert.ok(result.device_time, 'the device time is kept')
})

test('a QR label read from a photo checks in at the point, verified offline and by the server', async () => {
  const { page } = browser
  await page.goto(`/field/tasks/${labelTask.id}/points/${labelled.id}`)
  await page.locator('[data-test=check-in-qr]').click()
  await page.locator('[data-test=qr-photo-file]').setInputFiles(labelPhoto)
  await page.locator('[data-test=checklist]').waitFor()
  await page.locator('[data-test=item-s1i1-pass]').click()
  await page.locator('[data-test=checklist-submit]').click()
  await page.locator('[data-test=point-done]').waitFor()
  await waitForText(page.locator('[data-test=outbox-count]'), '已全部同步')

  const stored = await apiGet(page, `/tasks/${labelTask.id}`)
  assert.equal(stored.status, 'completed')
  assert.deepEqual(
    stored.check_ins.map((c) => [c.method, c.flagged]),
    [['qr', false]],
  )
  assert.equal(stored.results[0].answers.s1i1, 'pass')
})
