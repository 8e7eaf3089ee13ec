// The web UI in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): starts the whole suite with scripts/run-local on its own
// ports, signs in with a dev token, asks a question, provisions with
// confirmation, deletes a conversation, looks at the savings chart, applies a
// recommendation from it, and the phone layout. Screenshots go to <build>/tests/out/web-*.png.
// Usage: node tests/web/ui.test.mjs <build dir>
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const build = path.resolve(root, process.argv[2] || 'build-asan');
const out = path.join(build, 'tests', 'out');
mkdirSync(out, { recursive: true });
const LIMIT_MS = 90000;
const started = Date.now();

function log(msg) { console.log(`web: [${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`); }
class Failure extends Error {}
function check(cond, msg) { if (!cond) throw new Failure(msg); }

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitReady(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try { if ((await fetch(url)).status === 200) return true; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function token(org, roles) {
  return execFileSync(path.join(build, 'cli', 'quickspin'),
    ['token', '--sub', 'web-user', '--org', org, '--roles', roles, '--tier', 'pro'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

const [httpPort, sandboxPort, brokerPort] = [await freePort(), await freePort(), await freePort()];
const dataDir = mkdtempSync(path.join(tmpdir(), 'qs-web-'));
const profile = mkdtempSync(path.join(tmpdir(), 'qs-web-chromium-'));
const base = `http://127.0.0.1:${httpPort}`;
const sandbox = `http://127.0.0.1:${sandboxPort}`;
let suite = null, context = null, page = null, exitCode = 0;

async function stopSuite() {
  if (!suite || suite.exitCode !== null) return;
  const gone = new Promise((r) => suite.once('exit', r));
  try { process.kill(-suite.pid, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-suite.pid, 'SIGKILL'); } catch { /* gone */ } }, 6000);
  await gone;
  clearTimeout(timer);
}

const watchdog = setTimeout(async () => {
  console.error(`web: FAIL: the browser test took longer than ${LIMIT_MS / 1000} s`);
  if (page) await page.screenshot({ path: path.join(out, 'web-timeout.png') }).catch(() => {});
  await stopSuite();
  process.exit(1);
}, LIMIT_MS);

try {
  // ---- the suite ----------------------------------------------------------
  const suiteLog = createWriteStream(path.join(out, 'web-suite.log'));
  suite = spawn(path.join(root, 'scripts', 'run-local'), [build], {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QS_HTTP_PORT: String(httpPort), QS_SANDBOX_ADDR: `127.0.0.1:${sandboxPort}`,
           QS_BROKER_ENDPOINT: `tcp://127.0.0.1:${brokerPort}`, QS_DATA_DIR: dataDir,
           QS_SANDBOX_PROVISION_DELAY_MS: '300', QS_LOG_LEVEL: 'warn' } });
  suite.stdout.pipe(suiteLog);
  suite.stderr.pipe(suiteLog);
  log(`suite starting on ${base} (log: ${path.join(out, 'web-suite.log')})`);
  check(await waitReady(`${base}/api/v1/health/ready`, 40000), 'the suite did not become ready within 40 s (see web-suite.log)');
  const acme = token('org-acme', 'member');
  const globex = token('org-globex', 'member');

  // ---- the browser ----------------------------------------------------------
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 860 } });
  page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  page.on('dialog', (d) => d.accept());
  const failedLoads = [];
  page.on('response', (r) => { if (r.status() >= 400 && r.status() !== 401) failedLoads.push(`${r.status()} ${r.url()}`); });
  page.setDefaultTimeout(20000);

  // sign-in page, with the dev-token hint in local mode
  await page.goto(base + '/');
  await page.getByLabel('Access token').waitFor();
  check(await page.locator('#dev-hint').isVisible(), 'the dev token hint is not shown on 127.0.0.1');
  await page.screenshot({ path: path.join(out, 'web-1-login.png') });
  await page.getByLabel('Access token').fill('not-a-valid-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#token-error', { hasText: 'not accepted' }).waitFor()
    .catch(() => { throw new Failure('a bad token did not produce the "not accepted" message'); });
  await page.getByLabel('Access token').fill(acme);
  await page.getByLabel('Access token').press('Enter');   // keyboard sign-in
  await page.locator('#app').waitFor({ state: 'visible' })
    .catch(() => { throw new Failure('signing in with a dev token did not open the app'); });
  await page.locator('#ready.ok').waitFor({ timeout: 15000 })
    .catch(() => { throw new Failure('the readiness indicator never showed ready'); });
  log('signed in; readiness indicator is green');

  // a question with a streamed, Markdown-rendered answer (Enter sends)
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('why is acme-cache failing?');
  await box.press('Enter');
  const answer = page.locator('#messages li.msg.assistant').last();
  await answer.locator('strong').first().waitFor()
    .catch(() => { throw new Failure('no rendered (bold) answer to "why is acme-cache failing?"'); });
  await page.locator('#messages li.msg.assistant[aria-busy]').waitFor({ state: 'detached', timeout: 30000 });
  const text = await answer.innerText();
  check(/acme-cache/.test(text), `the answer does not mention acme-cache: ${text.slice(0, 200)}`);
  check(await page.locator('#messages').getAttribute('aria-live') === 'polite', 'the answer log is not aria-live');
  check(!(await answer.innerHTML()).includes('**'), 'Markdown bold markers were not rendered');
  await page.screenshot({ path: path.join(out, 'web-2-answer.png') });
  log('streamed answer rendered');

  // markup typed by the user stays text; the keyboard focus is visible
  await box.fill('what is <img src=x onerror="window.__xss=1"> <b>redis</b>?');
  await box.press('Enter');
  await page.locator('#messages li.msg.assistant[aria-busy]').waitFor({ state: 'detached', timeout: 30000 });
  check(await page.evaluate(() => window.__xss === undefined), 'HTML in a message was executed');
  check(await page.locator('#messages img').count() === 0, 'HTML in a message became an element');
  await box.focus();
  await page.keyboard.press('Tab');
  const focus = await page.evaluate(() => {
    const a = document.activeElement, st = getComputedStyle(a);
    return { id: a.id, outline: st.outlineStyle, width: parseFloat(st.outlineWidth) };
  });
  check(focus.id === 'send', `Tab from the message box went to #${focus.id}, not the Send button`);
  check(focus.outline !== 'none' && focus.width > 0, 'the keyboard focus on Send is not visible');

  // provisioning: a pending action, Confirm, "executed", and the platform has it
  await page.getByRole('button', { name: 'New' }).click();
  await box.fill('create a redis cache called web-cache for staging');
  await box.press('Enter');
  const card = page.locator('.action').last();
  const confirm = card.getByRole('button', { name: 'Confirm' });
  await confirm.waitFor().catch(() => { throw new Failure('the provision plan shows no Confirm button'); });
  check(/pending confirmation/.test(await card.innerText()), 'the action is not shown as pending');
  check(await card.getByRole('button', { name: 'Cancel' }).isVisible(), 'no Cancel button next to Confirm');
  await page.screenshot({ path: path.join(out, 'web-3-pending.png') });
  await confirm.click();
  await card.locator('.status', { hasText: 'executed' }).waitFor()
    .catch(async () => { throw new Failure(`after Confirm the action is not "executed": ${await card.innerText()}`); });
  const services = await (await fetch(`${sandbox}/api/v1/services`, { headers: { Authorization: `Bearer ${acme}` } })).json();
  check((services.services || []).some((s) => s.name === 'web-cache'), 'web-cache is not on the platform after Confirm');
  await page.screenshot({ path: path.join(out, 'web-4-executed.png') });
  log('provisioned web-cache after Confirm');

  // conversations: both listed; open one; delete one
  const items = page.locator('#conv-list li');
  await page.waitForFunction(() => document.querySelectorAll('#conv-list li').length >= 2);
  const before = await items.count();
  await items.filter({ hasText: 'why is acme-cache failing?' }).locator('button.open').click();
  await page.locator('#messages li.msg.user', { hasText: 'why is acme-cache failing?' }).waitFor()
    .catch(() => { throw new Failure('selecting a conversation did not load its messages'); });
  await page.getByRole('button', { name: 'Delete conversation why is acme-cache failing?' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('#conv-list li').length === n - 1, before)
    .catch(() => { throw new Failure('deleting a conversation did not remove it from the list'); });
  log('conversation list: select and delete work');

  // savings, as another org (globex has cost scenarios)
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Access token').fill(globex);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Savings' }).click();
  const api = await (await fetch(`${base}/api/v1/recommendations`, { headers: { Authorization: `Bearer ${globex}` } })).json();
  check(api.recommendations.length > 0, 'the API has no recommendations for org-globex');
  await page.locator('#recs-chart svg rect').first().waitFor()
    .catch(() => { throw new Failure('the savings chart did not render'); });
  const bars = await page.locator('#recs-chart svg rect').count();
  check(bars === api.recommendations.length, `${bars} bars for ${api.recommendations.length} recommendations`);
  const total = '$' + api.total_potential_savings.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  check((await page.locator('#recs-total').innerText()).trim() === total, `the total is not ${total}`);
  check((await page.locator('#recs-table tbody tr').count()) === api.recommendations.length, 'table rows != recommendations');
  await page.screenshot({ path: path.join(out, 'web-5-savings.png'), fullPage: true });
  log(`savings: ${bars} bars, total ${total}`);

  // Apply a recommendation a member may carry out: the change, Apply change,
  // executed, and the platform's service has the new settings
  const target = api.recommendations.find((x) => x.type !== 'delete_idle');
  check(target, 'org-globex has no recommendation a member may apply');
  await page.getByRole('button', { name: `Apply: ${target.type.replace(/_/g, ' ')} for ${target.service_name}` }).click();
  const dialog = page.locator('#apply-dialog');
  await dialog.getByRole('button', { name: 'Apply change' }).waitFor()
    .catch(async () => { throw new Failure(`Apply showed no change to confirm: ${await dialog.innerText().catch(() => '')}`); });
  check((await page.locator('#apply-changes li').count()) === Object.keys(target.change).length,
    'the dialog does not list each setting the recommendation changes');
  check(/^Monthly cost \$[\d,.]+ -> \$[\d,.]+/.test(await page.locator('#apply-cost').innerText()), 'no monthly cost before -> after');
  await page.screenshot({ path: path.join(out, 'web-7-apply.png') });
  await dialog.getByRole('button', { name: 'Apply change' }).click();
  await dialog.locator('.status.executed').waitFor({ timeout: 30000 })
    .catch(async () => { throw new Failure(`the applied change is not "executed": ${await dialog.innerText()}`); });
  const changed = await (await fetch(`${sandbox}/api/v1/services/${target.service_id}`,
    { headers: { Authorization: `Bearer ${globex}` } })).json();
  for (const [k, v] of Object.entries(target.change)) check(changed[k] === v, `the platform's ${k} is ${changed[k]}, not ${v}`);
  const after = await (await fetch(`${base}/api/v1/recommendations`, { headers: { Authorization: `Bearer ${globex}` } })).json();
  check(!after.recommendations.some((x) => x.id === target.id), 'the applied recommendation kept its id');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('#recs-table tbody tr').length === n, after.recommendations.length)
    .catch(() => { throw new Failure('the Savings page was not read again after the change'); });
  log(`applied ${target.type} to ${target.service_name}`);

  // phone width: nothing wider than the screen, the composer reachable
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Chat' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 392, `the page is ${overflow}px wide at a 390px viewport`);
  check(await page.getByRole('button', { name: 'Send' }).isVisible(), 'no Send button at phone width');
  await page.getByRole('button', { name: 'Conversations' }).click();
  check(await page.locator('#sidebar').isVisible(), 'the conversations toggle does not open the list at phone width');
  await page.screenshot({ path: path.join(out, 'web-6-phone.png') });

  check(external.length === 0, `the page fetched outside resources: ${external.join(', ')}`);
  const unexpected = consoleErrors.filter((e) => !/401|Unauthorized/.test(e));
  check(failedLoads.length === 0, `failed loads: ${failedLoads.join(', ')}`);
  check(unexpected.length === 0, `console errors: ${unexpected.join(' | ')}`);
  log('PASS');
} catch (e) {
  exitCode = 1;
  console.error(`web: FAIL: ${e instanceof Failure ? e.message : e.stack || e}`);
  if (page) await page.screenshot({ path: path.join(out, 'web-failure.png') }).catch(() => {});
} finally {
  if (context) await context.close().catch(() => {});
  await stopSuite();
  clearTimeout(watchdog);
  rmSync(profile, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
