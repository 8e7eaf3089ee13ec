// The Savings page's Apply button (issue 18, contract section 9) in headless
// Chromium against a fake gateway that speaks the contract's wire format:
// Apply shows the proposed change (settings before -> after, the monthly
// cost before -> after) in a dialog; Cancel cancels the action; Apply change
// confirms it and shows it executed; a delete needs the service's name typed
// back before its button works, and sends it as confirm_name. Screenshots go
// to <build>/tests/out/web-apply-*.png.
// Usage: node tests/web/apply.test.mjs <build dir>
import path from 'node:path';
import { check, error, json, outDir, run, serve } from './fake_gateway.mjs';

const out = outDir();

// ---- the fake gateway: two recommendations, their proposals, confirm/cancel ----
const recs = [
  { id: 'rec-0123456789abcdef', service_id: 'svc-1', service_name: 'billing-db', type: 'disable_ha', priority: 'high',
    description: 'High availability doubles the cost of this staging service.', current_monthly_cost: 146,
    projected_monthly_cost: 73, monthly_savings: 73, change: { high_availability: false } },
  { id: 'rec-fedcba9876543210', service_id: 'svc-2', service_name: 'old-cache', type: 'delete_idle', priority: 'high',
    description: 'No activity for 20 days.', current_monthly_cost: 40, projected_monthly_cost: 0, monthly_savings: 40,
    change: {} }];
const proposals = {
  'rec-0123456789abcdef': { id: 'act-u', type: 'update_service', service_id: 'svc-1', config: { service_id: 'svc-1', name: 'billing-db' },
    summary: 'Change: billing-db ($146.00 -> $73.00/month)',
    change: { before: { high_availability: true }, after: { high_availability: false }, monthly_cost_before: 146, monthly_cost_after: 73 } },
  'rec-fedcba9876543210': { id: 'act-d', type: 'delete_service', service_id: 'svc-2', config: { service_id: 'svc-2', name: 'old-cache' },
    summary: 'Delete: old-cache ($40.00 -> $0.00/month)',
    change: { before: { status: 'running' }, after: { status: 'deleted' }, monthly_cost_before: 40, monthly_cost_after: 0 } } };
const meta = (extra) => ({ confidence: 1.0, workflow: 'manage', engine: 'local', sources: [], timings_ms: {}, ...extra });
const calls = [];
let seq = 0;
const live = new Map();             // action id -> the recommendation it carries out

const { server, base } = await serve((req, res, p, body) => {
  if (p === '/api/v1/chat/conversations') return json(res, 200, { conversations: [], next_cursor: null });
  if (p === '/api/v1/recommendations') {
    return json(res, 200, { recommendations: recs, total_potential_savings: recs.reduce((s, r) => s + r.monthly_savings, 0),
      cost_analysis: { total_monthly_cost: 186, by_service_type: { postgresql: 146, redis: 40 }, services_analyzed: 2 } });
  }
  let m = /^\/api\/v1\/recommendations\/([^/]+)\/apply$/.exec(p);
  if (m && req.method === 'POST') {
    const rec = recs.find((r) => r.id === m[1]);
    calls.push(`apply ${m[1]}`);
    if (!rec) return error(res, 404, 'not_found', 'no such recommendation');
    const action = { ...proposals[rec.id], id: `${proposals[rec.id].id}-${++seq}`, status: 'pending_confirmation' };
    live.set(action.id, { rec, action });
    return json(res, 200, { conversation_id: 'conv-apply', intent: 'manage_service',
      message: `This recommendation for **${rec.service_name}**: ${rec.description}`, actions: [action],
      metadata: meta({ change: action.change, awaiting: action.type === 'delete_service' ? 'confirm_name' : undefined }) });
  }
  m = /^\/api\/v1\/actions\/([^/]+)\/(confirm|cancel)$/.exec(p);
  if (m && req.method === 'POST') {
    const sent = JSON.parse(body || '{}');
    calls.push(`${m[2]} ${m[1]}${sent.confirm_name !== undefined ? ` ${sent.confirm_name}` : ''}`);
    const it = live.get(m[1]);
    if (!it || it.action.status !== 'pending_confirmation') return error(res, 409, 'conflict', 'this action is no longer pending');
    if (m[2] === 'confirm' && it.action.type === 'delete_service' && sent.confirm_name !== it.action.config.name) {
      return error(res, 422, 'confirmation_mismatch', `type the service's name (${it.action.config.name}) to delete it`);
    }
    it.action.status = m[2] === 'confirm' ? 'executed' : 'cancelled';
    if (m[2] === 'confirm') recs.splice(recs.indexOf(it.rec), 1);
    return json(res, 200, { conversation_id: 'conv-apply', intent: 'manage_service',
      message: m[2] === 'confirm' ? `Done: **${it.action.config.name}** changed.` : 'Cancelled: nothing changed.',
      actions: [it.action], metadata: meta({ change: it.action.change }) });
  }
  return error(res, 404, 'not_found', `no route ${req.method} ${p}`);
});

await run('web-apply', base, server, /422/, async (page) => {
  await page.getByRole('button', { name: 'Savings' }).click();
  await page.locator('#recs-table tbody tr').nth(1).waitFor();
  const dialog = page.locator('#apply-dialog');

  // Apply shows the change; Cancel cancels the proposed action
  await page.getByRole('button', { name: 'Apply: disable ha for billing-db' }).click();
  await dialog.waitFor({ state: 'visible' }).catch(() => { throw new Failure('Apply opened no dialog'); });
  check((await page.locator('#apply-title').innerText()).trim() === 'Change billing-db', 'the dialog does not name the change');
  const lines = await page.locator('#apply-changes li').allInnerTexts();
  check(lines.join('|') === 'high availability on -> off', `change lines: ${lines.join('|')}`);
  const cost = (await page.locator('#apply-cost').innerText()).trim();
  check(cost === 'Monthly cost $146.00 -> $73.00 (saves $73.00 per month)', `cost line: "${cost}"`);
  await page.screenshot({ path: path.join(out, 'web-apply-1-change.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  check(calls.join(',') === 'apply rec-0123456789abcdef,cancel act-u-1', `calls after Cancel: ${calls.join(',')}`);

  // Apply change confirms it and shows it executed; the list is read again
  await page.getByRole('button', { name: 'Apply: disable ha for billing-db' }).click();
  await dialog.getByRole('button', { name: 'Apply change' }).click();
  await dialog.locator('.status.executed').waitFor()
    .catch(async () => { throw new Failure(`not shown as executed: ${await dialog.innerText()}`); });
  check(/billing-db/.test(await page.locator('#apply-result').innerText()), 'the result does not say what changed');
  check(calls.slice(-2).join(',') === 'apply rec-0123456789abcdef,confirm act-u-2', `calls: ${calls.join(',')}`);
  await page.screenshot({ path: path.join(out, 'web-apply-2-executed.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#recs-table tbody tr').length === 1)
    .catch(() => { throw new Failure('the recommendations were not read again after the change'); });

  // a delete: the name typed back, or its button stays disabled
  await page.getByRole('button', { name: 'Apply: delete idle for old-cache' }).click();
  const del = dialog.getByRole('button', { name: 'Delete' });
  await del.waitFor();
  check(/status running -> deleted/.test(await dialog.innerText()), 'the delete does not show the status change');
  check(await del.isDisabled(), 'Delete works before the name is typed');
  await page.getByLabel('Type old-cache to delete it').fill('old-cach');
  check(await del.isDisabled(), 'Delete works with a wrong name');
  await page.getByLabel('Type old-cache to delete it').fill('old-cache');
  check(!(await del.isDisabled()), 'Delete stays disabled with the right name');
  await page.screenshot({ path: path.join(out, 'web-apply-3-delete.png') });
  await del.click();
  await dialog.locator('.status.executed').waitFor();
  check(calls.at(-1) === 'confirm act-d-3 old-cache', `the delete's confirm: ${calls.at(-1)}`);
  await page.keyboard.press('Escape');                 // closes a settled dialog, cancels nothing
  await dialog.waitFor({ state: 'hidden' });
  check(!calls.some((c) => c.startsWith('cancel act-d')), 'Escape after the delete sent a cancel');
});
