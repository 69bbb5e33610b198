// Alerts through the browser: the safety officer is signed in; a `major`
// event posted through the API pops up on the page within a second, with a
// link to the alert; the officer acknowledges it from the alert centre, then
// rejects it with a reason. The steps share state, so they run in order.
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

let browser
let alertId
const rule = `browser.test.${Date.now() % 1e8}`

/** A bearer token of `username`, for posting events like a producer would. */
async function apiLogin(username) {
  const res = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  })
  assert.equal(res.status, 200)
  return (await res.json()).token
}

async function api(token, method, path, body) {
  const res = await fetch(`${BASE_URL}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json()
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

before(async () => {
  browser = await openBrowser({ keepAlarms: true })
})
after(async () => {
  await browser.close()
})

test('a major event posted through the API pops up within a second', async () => {
  const { page } = browser
  await loginAs(page, 'safety')
  await page.locator('[data-test=notification-bell]:not(.offline)').waitFor()
  const token = await apiLogin('safety')
  const [point] = (await api(token, 'GET', '/points?page_size=1')).items
  const before = (await api(token, 'GET', '/notifications?after=0&limit=1'))
    .last_id

  const posted = Date.now()
  const answer = await api(token, 'POST', '/events', {
    events: [
      {
        source: 'manual',
        rule,
        level: 'major',
        point_id: point.id,
        labels: { by: 'browser-test' },
      },
    ],
  })
  alertId = answer.results[0].alert_id
  // Other alarms (the demo's own producers) may share the pop-up: find ours.
  const alarm = page.locator(
    `.el-dialog[data-test=alert-popup] [data-test=alert-popup-alert-${alertId}]`,
  )
  await alarm.waitFor({ timeout: 5000 })
  const shown = Date.now()

  // The whole trip (intake, routing, the push, the page) within a second;
  // the push itself (notification written → pop-up) takes a fraction of it.
  const [n] = (
    await apiGet(page, `/notifications?after=${before}&limit=200`)
  ).items.filter((x) => x.alert_id === alertId)
  assert.ok(n, 'a notification was written for the alert')
  const pushMs = shown - Date.parse(n.created_at)
  const totalMs = shown - posted
  console.log(
    `pop-up ${totalMs} ms after the POST, ${pushMs} ms after the notification`,
  )
  assert.ok(pushMs < 1000, `pushed in ${pushMs} ms`)
  assert.ok(totalMs < 1000, `shown ${totalMs} ms after the POST`)
  await waitForText(alarm.locator('[data-test=alert-popup-title]'), n.title)

  await alarm.locator('[data-test=alert-popup-view]').click()
  await page.waitForURL((url) => url.pathname === `/alerts/${alertId}`)
  await page.locator('.el-drawer[data-test=alert-drawer]').waitFor()
})

test('the officer acknowledges the alert from the alert centre', async () => {
  const { page } = browser
  await page.goto('/alerts')
  const ack = page.locator(`[data-test=alert-ack-${alertId}]`)
  await ack.click()

  const row = page.locator('.el-table__body tr', {
    has: page.locator(`[data-test=alert-row-${alertId}]`),
  })
  await row.locator('[data-status=acknowledged]').waitFor()
  const alert = await apiGet(page, `/alerts/${alertId}`)
  assert.equal(alert.status, 'acknowledged')
  assert.equal(alert.history.at(-1).action, 'acknowledge')
})

test('the officer rejects it with a reason', async () => {
  const { page } = browser
  await page.locator(`[data-test=alert-reject-${alertId}]`).click()
  const dialog = page.locator('.el-dialog[data-test=alert-reject-dialog]')
  await dialog.waitFor()
  await dialog.locator('[data-test=reject-reason]').click()
  await page.locator('[data-test=reject-reason-drill]:visible').click()
  await dialog.locator('[data-test=reject-details]').fill('消防演练')
  await dialog.locator('[data-test=reject-submit]').click()
  await dialog.waitFor({ state: 'hidden' })

  // The default filter shows active alerts only: the rejected one leaves.
  await page
    .locator(`[data-test=alert-row-${alertId}]`)
    .waitFor({ state: 'detached' })
  const alert = await apiGet(page, `/alerts/${alertId}`)
  assert.equal(alert.status, 'resolved')
  assert.equal(alert.resolution, 'rejected')
  assert.equal(alert.reject_reason, '演练或设备测试：消防演练')
})
