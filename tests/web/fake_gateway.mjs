// What the browser tests against a fake gateway share: a server that serves
// gateway/web/ and hands /api/ requests (token checked, body read) to the
// test's routes, the contract's JSON and error bodies, and a headless
// Chromium (Debian's, through playwright-core) signed in with the fake
// token. Used by revision.test.mjs and apply.test.mjs.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const web = path.join(root, 'gateway', 'web');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
export const TOKEN = 'fake-token';

export class Failure extends Error {}
export function check(cond, msg) { if (!cond) throw new Failure(msg); }

// <build>/tests/out, where screenshots go (argv[2] is the build dir).
export function outDir() {
  const out = path.join(path.resolve(root, process.argv[2] || 'build-asan'), 'tests', 'out');
  mkdirSync(out, { recursive: true });
  return out;
}

export function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
export function error(res, status, code, message) { json(res, status, { error: { code, message, request_id: 'fake' } }); }

// Listen on a loopback port; route(req, res, pathname, body) answers the
// authorised /api/ requests other than readiness. Resolves to {server, base}.
export async function serve(route) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const p = new URL(req.url, 'http://x').pathname;
      if (!p.startsWith('/api/')) {
        const file = path.join(web, p === '/' ? 'index.html' : path.normalize(p).replace(/^\/+/, ''));
        if (!file.startsWith(web)) return error(res, 404, 'not_found', 'no such file');
        try {
          res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
          return res.end(readFileSync(file));
        } catch { return error(res, 404, 'not_found', 'no such file'); }
      }
      if (p === '/api/v1/health/ready') return json(res, 200, { status: 'ok', checks: {} });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return error(res, 401, 'unauthorized', 'bad token');
      return route(req, res, p, body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

// Run test(page, errors) in a fresh headless Chromium signed in to base;
// prints "<name>: PASS" or the failure (with a screenshot) and exits.
// errors collects page errors and console errors not matching allowed.
export async function run(name, base, server, allowed, test) {
  const profile = mkdtempSync(path.join(tmpdir(), `qs-${name}-`));
  let context = null, page = null, exitCode = 0;
  const watchdog = setTimeout(() => { console.error(`${name}: FAIL: took longer than 60 s`); process.exit(1); }, 60000);
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 900 } });
    page = context.pages()[0] || await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !allowed.test(m.text())) errors.push(m.text()); });
    page.setDefaultTimeout(15000);
    await page.goto(base + '/');
    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByLabel('Access token').press('Enter');
    await page.locator('#app').waitFor({ state: 'visible' });
    await test(page);
    check(errors.length === 0, `page errors: ${errors.join(' | ')}`);
    console.log(`${name}: PASS`);
  } catch (e) {
    exitCode = 1;
    console.error(`${name}: FAIL: ${e instanceof Failure ? e.message : e.stack || e}`);
    if (page) await page.screenshot({ path: path.join(outDir(), `${name}-failure.png`) }).catch(() => {});
  } finally {
    if (context) await context.close().catch(() => {});
    server.close();
    clearTimeout(watchdog);
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(exitCode);
}
