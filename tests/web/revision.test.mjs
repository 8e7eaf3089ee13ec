// The web UI shows a revised plan as such and the superseded action as
// cancelled (issue 17, contract section 8), in headless Chromium against a
// fake gateway: this script serves gateway/web/ and answers the REST routes
// the page calls with the contract's wire format (SSE for /chat/stream), so
// the UI is tested whatever the engine does today. Screenshots go to
// <build>/tests/out/web-revision-*.png.
// Usage: node tests/web/revision.test.mjs <build dir>
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const build = path.resolve(root, process.argv[2] || 'build-asan');
const out = path.join(build, 'tests', 'out');
mkdirSync(out, { recursive: true });
const web = path.join(root, 'gateway', 'web');
class Failure extends Error {}
function check(cond, msg) { if (!cond) throw new Failure(msg); }

// ---- the fake gateway: one conversation, a plan, its revision, a confirm ----
const conv = 'conv-rev-1';
const plan1 = { service_type: 'postgresql', name: 'billing-db', tier: 'small', region: 'us-east-1', replicas: 1,
  high_availability: false, backup_enabled: false, environment: 'development', version: '16' };
const plan2 = { ...plan1, name: 'ledger-db', tier: 'large' };
const est = (c) => ({ hourly_cost: c === plan1 ? 0.04 : 0.16, monthly_cost: c === plan1 ? 29.2 : 116.8, currency: 'USD' });
const action = (id, cfg, status) => ({ id, type: 'provision_service', status, summary: `Create postgresql ${cfg.name}`,
  config: cfg, estimate: est(cfg) });
const meta = (extra) => ({ confidence: 0.93, workflow: 'provision', engine: 'local', sources: [], timings_ms: {}, ...extra });
const replies = [
  { conversation_id: conv, intent: 'provision_service', message: 'Here is the plan for **billing-db**.',
    actions: [action('act-1', plan1, 'pending_confirmation')], metadata: meta({ config: plan1, estimate: est(plan1) }) },
  { conversation_id: conv, intent: 'provision_service', message: 'I changed the plan.',
    actions: [action('act-2', plan2, 'pending_confirmation')],
    metadata: meta({ config: plan2, estimate: est(plan2), revision: { supersedes: 'act-1', changes: [
      { field: 'tier', before: 'small', after: 'large' }, { field: 'name', before: 'billing-db', after: 'ledger-db' }] } }) }];
const messages = [];
const confirmed = [];
let turn = 0;

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
function error(res, status, code, message) { json(res, status, { error: { code, message, request_id: 'fake' } }); }

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (!p.startsWith('/api/')) {
      const file = path.join(web, p === '/' ? 'index.html' : path.normalize(p).replace(/^\/+/, ''));
      if (!file.startsWith(web)) return error(res, 404, 'not_found', 'no such file');
      try {
        res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
        return res.end(readFileSync(file));
      } catch { return error(res, 404, 'not_found', 'no such file'); }
    }
    if (p === '/api/v1/health/ready') return json(res, 200, { status: 'ok', checks: {} });
    if (req.headers.authorization !== 'Bearer fake-token') return error(res, 401, 'unauthorized', 'bad token');
    if (p === '/api/v1/chat/conversations') {
      return json(res, 200, { conversations: messages.length ? [{ id: conv, title: 'postgres for billing',
        created_at: '2026-12-07T10:00:00Z', updated_at: '2026-12-07T10:01:00Z', message_count: messages.length }] : [],
        next_cursor: null });
    }
    if (p === `/api/v1/chat/conversations/${conv}`) {
      return json(res, 200, { id: conv, title: 'postgres for billing', created_at: '2026-12-07T10:00:00Z',
        updated_at: '2026-12-07T10:01:00Z', message_count: messages.length, messages });
    }
    if (p === '/api/v1/chat/stream' && req.method === 'POST') {
      const msg = JSON.parse(body).message;
      const r = replies[Math.min(turn++, replies.length - 1)];
      messages.push({ id: `m${messages.length}`, role: 'user', content: msg, timestamp: '2026-12-07T10:00:00Z', metadata: {} });
      messages.push({ id: `m${messages.length}`, role: 'assistant', content: r.message, timestamp: '2026-12-07T10:00:01Z',
        metadata: { ...r.metadata, actions: r.actions } });
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`event: intent\ndata: ${JSON.stringify({ intent: r.intent, confidence: 0.93 })}\n\n`);
      res.write(`event: token\ndata: ${JSON.stringify({ text: r.message })}\n\n`);
      return res.end(`event: done\ndata: ${JSON.stringify(r)}\n\n`);
    }
    const m = /^\/api\/v1\/actions\/([^/]+)\/confirm$/.exec(p);
    if (m && req.method === 'POST') {
      confirmed.push(m[1]);
      if (m[1] !== 'act-2') return error(res, 409, 'action_not_pending', 'this action is no longer pending');
      return json(res, 200, { conversation_id: conv, intent: 'provision_service', message: 'Created **ledger-db**.',
        actions: [action('act-2', plan2, 'executed')], metadata: meta({ config: plan2 }) });
    }
    return error(res, 404, 'not_found', `no route ${req.method} ${p}`);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const profile = mkdtempSync(path.join(tmpdir(), 'qs-web-rev-'));
let context = null, page = null, exitCode = 0;
const watchdog = setTimeout(() => { console.error('web-revision: FAIL: took longer than 60 s'); process.exit(1); }, 60000);
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 } });
  page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/409|Conflict/.test(m.text())) errors.push(m.text()); });
  page.setDefaultTimeout(15000);

  await page.goto(base + '/');
  await page.getByLabel('Access token').fill('fake-token');
  await page.getByLabel('Access token').press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
  const box = page.getByLabel('Message', { exact: true });

  await box.fill('I need a postgres database for billing');
  await box.press('Enter');
  const first = page.locator('.action[data-action-id="act-1"]');
  await first.getByRole('button', { name: 'Confirm' }).waitFor();
  check(await page.locator('.revision').count() === 0, 'a first plan is shown as revised');

  await box.fill('make it large and call it ledger-db');
  await box.press('Enter');
  const second = page.locator('.action[data-action-id="act-2"]');
  await second.getByRole('button', { name: 'Confirm' }).waitFor()
    .catch(() => { throw new Failure('the revised plan has no Confirm button'); });
  const rev = page.locator('#messages li.msg.assistant').last().locator('.revision');
  check(await rev.count() === 1, 'the revising answer does not say "Revised plan"');
  const text = (await rev.innerText()).trim();
  check(text === 'Revised plan: tier small -> large, name billing-db -> ledger-db', `revision line: "${text}"`);
  check(/cancelled \(superseded\)/.test(await first.locator('.status').innerText()),
    `the superseded action is not shown as cancelled: ${await first.innerText()}`);
  check(await first.getByRole('button').count() === 0, 'the superseded action still has buttons');
  check(await first.evaluate((n) => n.classList.contains('superseded')), 'the superseded card is not marked');
  check(/large/.test(await second.innerText()) && /ledger-db/.test(await second.innerText()), 'the new card lacks the revised plan');
  await page.screenshot({ path: path.join(out, 'web-revision-1.png'), fullPage: true });

  await second.getByRole('button', { name: 'Confirm' }).click();
  await second.locator('.status', { hasText: 'executed' }).waitFor()
    .catch(async () => { throw new Failure(`Confirm did not execute the revised plan: ${await second.innerText()}`); });
  check(confirmed.join(',') === 'act-2', `confirm calls: ${confirmed.join(',')} (want only act-2)`);

  // the conversation reopened from its history reads the same
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('#conv-list button.open').first().click();
  await page.locator('.action[data-action-id="act-2"]').waitFor();
  const reopened = page.locator('.action[data-action-id="act-1"]');
  check(/cancelled \(superseded\)/.test(await reopened.locator('.status').innerText()),
    'in the reopened conversation the superseded action is not cancelled');
  check(await reopened.getByRole('button').count() === 0, 'in the reopened conversation the superseded action has buttons');
  check((await page.locator('.revision').innerText()).trim().startsWith('Revised plan: tier small -> large'),
    'the reopened conversation does not show the revision');
  await page.screenshot({ path: path.join(out, 'web-revision-2.png'), fullPage: true });
  check(errors.length === 0, `page errors: ${errors.join(' | ')}`);
  console.log('web-revision: PASS');
} catch (e) {
  exitCode = 1;
  console.error(`web-revision: FAIL: ${e instanceof Failure ? e.message : e.stack || e}`);
  if (page) await page.screenshot({ path: path.join(out, 'web-revision-failure.png') }).catch(() => {});
} finally {
  if (context) await context.close().catch(() => {});
  server.close();
  clearTimeout(watchdog);
  rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
