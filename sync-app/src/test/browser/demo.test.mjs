// Browser test of the demo page: the shaded jar in dev mode, two headless Chromium pages as two
// devices of one user. Run by DemoPageIT (mvn verify) or by hand:
//   (cd sync-app/src/test/browser && npm ci && node --test demo.test.mjs)
// Env: SYNC_APP_JAR (default ../../../target/sync-app.jar), CHROMIUM_PATH (default
// /usr/bin/chromium), ARTIFACTS_DIR (default ../../../target/browser-test: screenshots, service log),
// JAVA_BIN (default java on the PATH).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const JAR = process.env.SYNC_APP_JAR ?? resolve(here, '../../../target/sync-app.jar');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = process.env.ARTIFACTS_DIR ?? resolve(here, '../../../target/browser-test');
const WAIT_MS = 20_000; // the build machine is shared and slow; real waits are far shorter
const USER = `demo-${Date.now().toString(36)}`;

let service, dataDir, baseUrl, browser;
const pages = {}; // name -> { context, page, errors }

async function startService() {
  assert.ok(existsSync(JAR), `no jar at ${JAR}: run mvn package first`);
  dataDir = mkdtempSync(join(tmpdir(), 'sync-browser-'));
  const env = { ...process.env, SYNC_HOST: '127.0.0.1', SYNC_PORT: '0', SYNC_DATA_DIR: dataDir };
  delete env.SYNC_JWT_SECRET; // dev mode: the service makes its own secret and serves POST /dev/token
  delete env.SYNC_JWT_PUBLIC_KEY;
  service = spawn(process.env.JAVA_BIN ?? 'java', ['-jar', JAR], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = createWriteStream(join(ARTIFACTS, 'service.log'));
  service.stderr.pipe(logFile);
  return new Promise((resolvePort, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${buffered}`)), 90_000);
    service.on('exit', (code) => reject(new Error(`service exited with ${code}:\n${buffered}`)));
    const onData = (chunk) => {
      buffered += chunk;
      logFile.write(chunk);
      const m = /sync service listening on [^:]+:(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    service.stdout.on('data', onData);
    service.stderr.on('data', onData);
  });
}

async function openDevice(name, deviceId, deviceName) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(`${baseUrl}/demo`);
  await page.getByTestId('user-id').fill(USER);
  await page.getByTestId('device-id').fill(deviceId);
  await page.getByTestId('device-name').fill(deviceName);
  await page.getByTestId('connect').click();
  await waitAttr(page, 'connection-status', 'data-state', (v) => v === 'connected');
  pages[name] = { context, page, errors };
  return page;
}

/** Waits until the element's attribute satisfies pred; returns the value. */
async function waitAttr(page, testId, attr, pred, what = `${testId}[${attr}]`) {
  const deadline = Date.now() + WAIT_MS;
  let last;
  while (Date.now() < deadline) {
    const loc = page.getByTestId(testId);
    last = (await loc.count()) ? await loc.first().getAttribute(attr) : undefined;
    if (last !== undefined && last !== null && pred(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}; last value: ${last}`);
}

async function waitGone(page, testId) {
  await page.getByTestId(testId).waitFor({ state: 'detached', timeout: WAIT_MS });
}

const shot = (name, file) => pages[name].page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await startService();
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives each launch a fresh temporary profile (user-data-dir).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (service && service.exitCode === null) {
    const exited = new Promise((r) => service.once('exit', r));
    service.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (service.exitCode === null) service.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('two pages connect as two devices of one user (dev token flow)', async () => {
  await openDevice('a', 'laptop', 'Laptop');
  await openDevice('b', 'tv', 'Living room TV');
  const who = await pages.a.page.getByTestId('who').textContent();
  assert.match(who, new RegExp(USER));
});

test('B appears online on A, and A on B', async () => {
  await waitAttr(pages.a.page, 'device-tv', 'data-online', (v) => v === 'true');
  await waitAttr(pages.b.page, 'device-laptop', 'data-online', (v) => v === 'true');
  await shot('a', '01-connected-a.png');
});

test('a watchlist add on A appears on B; a remove on B disappears on A', async () => {
  const { page: a } = pages.a, { page: b } = pages.b;
  for (const id of ['tmdb:550', 'tmdb:603']) {
    await a.getByTestId('watchlist-input').fill(id);
    await a.getByTestId('watchlist-add').click();
  }
  await b.getByTestId('watchlist-item-tmdb:550').waitFor({ timeout: WAIT_MS });
  await b.getByTestId('watchlist-item-tmdb:603').waitFor({ timeout: WAIT_MS });
  await b.getByTestId('watchlist-remove-tmdb:603').click();
  await waitGone(a, 'watchlist-item-tmdb:603');
  await waitGone(b, 'watchlist-item-tmdb:603');
  assert.equal(await a.getByTestId('watchlist-item-tmdb:550').count(), 1);
  await shot('b', '02-watchlist-b.png');
});

test('seek and play/pause on A show as progress on B', async () => {
  const { page: a } = pages.a, { page: b } = pages.b;
  await a.getByTestId('player-content').selectOption('tmdb:550');
  await a.getByTestId('player-seek-input').fill('3245');
  await a.getByTestId('player-seek').click();
  await waitAttr(b, 'progress-tmdb:550', 'data-position', (v) => v === '3245');
  assert.equal(await b.getByTestId('progress-tmdb:550').getAttribute('data-device'), 'laptop');

  await a.getByTestId('player-play').click();
  await waitAttr(b, 'progress-tmdb:550', 'data-state', (v) => v === 'playing');
  await a.waitForTimeout(2500);
  await a.getByTestId('player-pause').click();
  const paused = Number(await waitAttr(a, 'player-position', 'data-position', () => true));
  assert.ok(paused >= 3246, `position advanced while playing: ${paused}`);
  await waitAttr(b, 'progress-tmdb:550', 'data-state', (v) => v === 'paused');
  assert.equal(Number(await b.getByTestId('progress-tmdb:550').getAttribute('data-position')), paused);
  const text = await b.getByTestId('progress-text-tmdb:550').textContent();
  assert.match(text, /paused · Laptop/);
  await shot('b', '03-progress-b.png');
});

test('handoff A → B: B plays from A\'s position and accepts; A pauses and sees the result', async () => {
  const { page: a } = pages.a, { page: b } = pages.b;
  await a.getByTestId('player-seek-input').fill('1000');
  await a.getByTestId('player-seek').click();
  await a.getByTestId('player-play').click();
  await a.waitForTimeout(1200);
  await a.getByTestId('handoff-tv').click();

  await waitAttr(b, 'player-state', 'data-state', (v) => v === 'playing', 'B playing');
  assert.equal(await b.getByTestId('player-content').inputValue(), 'tmdb:550');
  const started = Number(await b.getByTestId('player-position').getAttribute('data-position'));
  assert.ok(started >= 1000 && started <= 1015, `B started at ${started}, expected A's position (~1001)`);
  await waitAttr(a, 'player-state', 'data-state', (v) => v === 'paused', 'A paused');
  await a.waitForFunction(() => /accepted/.test(document.querySelector('[data-testid="handoff-status"]').textContent),
    null, { timeout: WAIT_MS });
  // B's playing position reaches A through the progress register.
  await waitAttr(a, 'progress-tmdb:550', 'data-device', (v) => v === 'tv', 'register written by B');
  await shot('a', '04-handoff-a.png');
  await shot('b', '04-handoff-b.png');
});

test('B goes offline on A when B\'s page closes', async () => {
  await pages.b.context.close();
  await waitAttr(pages.a.page, 'device-tv', 'data-online', (v) => v === 'false');
  assert.equal(await pages.a.page.getByTestId('handoff-tv').count(), 0, 'no handoff button for an offline device');
  await shot('a', '05-offline-a.png');
});

test('no page errors', () => {
  assert.deepEqual([...pages.a.errors, ...pages.b.errors], []);
});
