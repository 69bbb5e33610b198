// Shared set-up of the browser tests: Debian's chromium through
// playwright-core (no browser download), one fresh profile per test, and
// helpers that speak the web application's data-test hooks.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { chromium } from 'playwright-core'

function requiredEnv(name, hint) {
  const value = process.env[name]
  if (!value) {
    // Fail loudly: a missing setting must never turn into skipped tests.
    throw new Error(`environment variable ${name} is not set (${hint})`)
  }
  return value
}

/** Base address of the running server, e.g. http://127.0.0.1:8080. */
export const BASE_URL = requiredEnv(
  'ANXUN_URL',
  'the address of a server started with --demo',
).replace(/\/+$/, '')

/** Password of the demo accounts. */
export const DEMO_PASSWORD = requiredEnv(
  'ANXUN_DEMO_PASSWORD',
  'the password the demo server was started with',
)

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Starts chromium with a new empty profile. Collects uncaught page errors
 * and CSP refusals; `close()` fails the test when there were any.
 *
 * The suite shares one server, so alarms raised by one test (and the demo's
 * overdue major hazards) pop up in the others' pages: unless `keepAlarms`,
 * every page dismisses the alarm pop-up whenever it covers an action.
 */
export async function openBrowser({ keepAlarms = false } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'anxun-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    baseURL: BASE_URL,
    locale: 'zh-CN',
    viewport: { width: 1440, height: 900 },
  })
  context.setDefaultTimeout(15_000)
  const problems = []
  const watch = (page) => {
    if (!keepAlarms) {
      page
        .addLocatorHandler(page.locator('[data-test=alert-popup-dismiss]'), (button) =>
          button.click(),
        )
        .catch(() => undefined)
    }
    page.on('pageerror', (error) => problems.push(`page error: ${error}`))
    page.on('console', (message) => {
      if (message.type() === 'error' && /Refused to/.test(message.text())) {
        problems.push(`CSP: ${message.text()}`)
      }
    })
  }
  context.pages().forEach(watch)
  context.on('page', watch)
  const page = context.pages()[0] ?? (await context.newPage())

  return {
    context,
    page,
    async close() {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
      assert.deepEqual(problems, [], 'the pages logged errors')
    },
  }
}

/** Fills and sends the login form; does not wait for the outcome. */
export async function submitLogin(page, username, password) {
  await page.goto('/login')
  await page.locator('[data-test=login-username]').fill(username)
  await page.locator('[data-test=login-password]').fill(password)
  await page.locator('[data-test=login-submit]').click()
}

/** Logs in as a demo account and waits for the side menu. */
export async function loginAs(page, username) {
  await submitLogin(page, username, DEMO_PASSWORD)
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  await page.locator('[data-test=side-menu]').waitFor()
}

/** GET /api/v1<path> from inside the page, with its session cookie. */
export async function apiGet(page, apiPath) {
  return page.evaluate(async (target) => {
    const response = await fetch(target, { credentials: 'same-origin' })
    if (!response.ok) throw new Error(`${target}: HTTP ${response.status}`)
    return response.json()
  }, `/api/v1${apiPath}`)
}

/** Waits until `locator`'s text contains `text`. */
export async function waitForText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor()
}

/** A code unlikely to exist yet: letters and digits only. */
export function uniqueCode(prefix) {
  const stamp = Date.now().toString(36).toUpperCase()
  const noise = Math.floor(Math.random() * 1296)
    .toString(36)
    .toUpperCase()
  return `${prefix}${stamp}${noise}`
}
