// Takes the README screenshot: logs in to a running demo server as the safety
// officer and captures the points page in Debian's Chromium.
//   ANXUN_URL=http://127.0.0.1:8080 ANXUN_DEMO_PASSWORD=... \
//     node scripts/screenshot.mjs docs/screenshot.png
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const url = process.env.ANXUN_URL;
const out = process.argv[2] ?? 'docs/screenshot.png';
const dir = await mkdtemp(path.join(tmpdir(), 'anxun-shot-'));
const context = await chromium.launchPersistentContext(dir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 860 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await context.newPage();
await page.goto(`${url}/login`);
await page.locator('[data-test=login-username]').fill('safety');
await page.locator('[data-test=login-password]').fill(process.env.ANXUN_DEMO_PASSWORD);
await page.locator('[data-test=login-submit]').click();
await page.locator('[data-test=side-menu]').waitFor();
await page.goto(`${url}/master/points`);
await page.waitForLoadState('networkidle');
await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {});
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
await context.close();
