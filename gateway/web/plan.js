/* QuickSpin AI - how a revised plan reads. A reply that revises a pending plan
   carries metadata.revision = {"supersedes": "<old action id>",
   "changes": [{"field", "before", "after"}]} and the new pending action; the
   web UI and the CLI (cli/qs_cli_plan.c) both say "Revised plan: tier small ->
   large, name billing-db -> ledger-db" and show the superseded action as
   cancelled. A proposed change to a service (contract section 9: an action's
   change = {before, after, monthly_cost_before, monthly_cost_after}) reads
   "high availability on -> off" per setting, like the CLI's
   `recommend --apply` (cli/qs_cli_apply.c). Loaded as a classic script:
   defines globalThis.QSPlan. Plain text out; callers put it in textContent. */
(function (root) {
  'use strict';

  function value(v) {
    if (v === null || v === undefined || v === '') return 'none';
    if (v === true) return 'on';
    if (v === false) return 'off';
    return String(v);
  }

  // "Revised plan: tier small -> large, ..." or '' when rev is no revision.
  function revisionText(rev) {
    var changes = rev && Array.isArray(rev.changes) ? rev.changes : [];
    var parts = changes.filter(function (c) { return c && c.field; }).map(function (c) {
      return setting(c.field, c.before, c.after);
    });
    if (!parts.length) return rev && rev.supersedes ? 'Revised plan' : '';
    return 'Revised plan: ' + parts.join(', ');
  }

  // The id of the action a reply supersedes, or ''.
  function supersedes(meta) {
    var rev = meta && meta.revision;
    return rev && typeof rev.supersedes === 'string' ? rev.supersedes : '';
  }

  function setting(field, before, after) {
    return String(field).replace(/_/g, ' ') + ' ' + value(before) + ' -> ' + value(after);
  }

  // One line per setting a change sets: ["tier large -> small", ...].
  function changeLines(change) {
    var after = change && change.after && typeof change.after === 'object' ? change.after : {};
    var before = change && change.before && typeof change.before === 'object' ? change.before : {};
    return Object.keys(after).map(function (k) { return setting(k, before[k], after[k]); });
  }

  root.QSPlan = { revisionText: revisionText, supersedes: supersedes, changeLines: changeLines };
})(typeof globalThis !== 'undefined' ? globalThis : this);
