// The web UI's revised-plan wording (gateway/web/plan.js) in plain node: the
// same text the CLI prints (tests/cli/test_cli_unit.c, qs_cli_plan).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const src = readFileSync(fileURLToPath(new URL('../../gateway/web/plan.js', import.meta.url)), 'utf8');
const sandbox = {};
vm.runInNewContext(src, { globalThis: sandbox });
const { revisionText, supersedes } = sandbox.QSPlan;
// arrays from the script's own realm, compared as plain ones
const changeLines = (c) => Array.from(sandbox.QSPlan.changeLines(c));

const rev = { supersedes: 'act-1', changes: [
  { field: 'tier', before: 'small', after: 'large' },
  { field: 'name', before: 'billing-db', after: 'ledger-db' }] };
assert.equal(revisionText(rev), 'Revised plan: tier small -> large, name billing-db -> ledger-db');
assert.equal(revisionText({ supersedes: 'a', changes: [
  { field: 'high_availability', before: false, after: true },
  { field: 'replicas', before: 1, after: 3 },
  { field: 'region', before: null, after: 'eu-west-1' }] }),
  'Revised plan: high availability off -> on, replicas 1 -> 3, region none -> eu-west-1');
assert.equal(revisionText({ supersedes: 'a', changes: [] }), 'Revised plan');
assert.equal(revisionText(undefined), '');
assert.equal(revisionText({ changes: 'nonsense' }), '');
assert.equal(revisionText({ supersedes: 'a', changes: [null, { before: 1 }, { field: 'tier', after: 'nano' }] }),
  'Revised plan: tier none -> nano');
// markup in a value stays text: the caller puts it in textContent
assert.equal(revisionText({ changes: [{ field: 'name', before: 'a', after: '<b>x</b>' }] }),
  'Revised plan: name a -> <b>x</b>');
assert.equal(supersedes({ revision: rev }), 'act-1');
assert.equal(supersedes({ revision: { supersedes: 7 } }), '');
assert.equal(supersedes({}), '');
assert.equal(supersedes(undefined), '');
// a proposed change (contract section 9), as the CLI's recommend --apply says it
assert.deepEqual(changeLines({ before: { tier: 'large', high_availability: true },
  after: { tier: 'small', high_availability: false }, monthly_cost_before: 1343.2, monthly_cost_after: 80.3 }),
  ['tier large -> small', 'high availability on -> off']);
assert.deepEqual(changeLines({ before: { status: 'running' }, after: { status: 'deleted' } }), ['status running -> deleted']);
assert.deepEqual(changeLines({ after: { replicas: 2 } }), ['replicas none -> 2']);
assert.deepEqual(changeLines(undefined), []);
assert.deepEqual(changeLines({ after: 'nonsense' }), []);
console.log('plan.js: 16 checks passed');
