// The web UI shows a revised plan as such and the superseded action as
// cancelled (issue 17, contract section 8), in headless Chromium against a
// fake gateway: this script serves gateway/web/ and answers the REST routes
// the page calls with the contract's wire format (SSE for /chat/stream), so
// the UI is tested whatever the engine does today. Screenshots go to
// <build>/tests/out/web-revision-*.png.
// Usage: node tests/web/revision.test.mjs <build dir>
import path from 'node:path';
import { check, error, json, outDir, run, serve } from './fake_gateway.mjs';

const out = outDir();

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

const { server, base } = await serve((req, res, p, body) => {
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

await run('web-revision', base, server, /409|Conflict/, async (page) => {
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
});
