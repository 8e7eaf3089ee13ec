/* QuickSpin AI web chat: token sign-in, conversations, streamed answers
   (fetch + ReadableStream SSE parsing, since EventSource cannot POST),
   pending actions, savings recommendations, readiness. No dependencies. */
(function () {
  'use strict';

  var API = '/api/v1';
  var TOKEN_KEY = 'quickspin.token';
  var state = { token: null, conversationId: null, busy: false, view: 'chat' };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'html') n.innerHTML = attrs[k]; // only ever QSMarkdown output
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function money(v) {
    return '$' + Number(v || 0).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function isLocal() { return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(location.hostname); }

  // ---- HTTP ---------------------------------------------------------------

  function ApiError(status, body) {
    var e = (body && body.error) || {};
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.message = e.message || ('HTTP ' + status);
    this.requestId = e.request_id || '';
  }

  function headers(json) {
    var h = { 'Accept': 'application/json' };
    if (state.token) h.Authorization = 'Bearer ' + state.token;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  function api(method, path, body) {
    return fetch(API + path, {
      method: method, headers: headers(body !== undefined),
      body: body !== undefined ? JSON.stringify(body) : undefined
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        if (!r.ok) {
          if (r.status === 401) signOut('Your token was not accepted (expired or invalid). Please sign in again.');
          throw new ApiError(r.status, data);
        }
        return data;
      });
    });
  }

  // Calls onEvent(name, data) per server-sent event of a POST response.
  function streamChat(body, onEvent) {
    return fetch(API + '/chat/stream', {
      method: 'POST', headers: Object.assign(headers(true), { Accept: 'text/event-stream' }),
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) {
        return r.text().then(function (t) {
          var data = null;
          try { data = JSON.parse(t); } catch (e) { data = null; }
          if (r.status === 401) signOut('Your token was not accepted. Please sign in again.');
          throw new ApiError(r.status, data);
        });
      }
      var reader = r.body.getReader(), decoder = new TextDecoder(), buf = '';
      function dispatch(block) {
        var name = 'message', data = [];
        block.split(/\r?\n/).forEach(function (line) {
          if (!line || line.charAt(0) === ':') return;
          var i = line.indexOf(':');
          var field = i < 0 ? line : line.slice(0, i);
          var value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'event') name = value;
          else if (field === 'data') data.push(value);
        });
        if (!data.length) return;
        var parsed;
        try { parsed = JSON.parse(data.join('\n')); } catch (e) { parsed = data.join('\n'); }
        onEvent(name, parsed);
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            buf += decoder.decode();
            if (buf.trim()) dispatch(buf);
            return;
          }
          buf += decoder.decode(chunk.value, { stream: true });
          var m;
          while ((m = /\r?\n\r?\n/.exec(buf))) {
            dispatch(buf.slice(0, m.index));
            buf = buf.slice(m.index + m[0].length);
          }
          return pump();
        });
      }
      return pump();
    });
  }

  // ---- readiness ----------------------------------------------------------

  function pollReady() {
    var box = $('ready'), text = $('ready-text');
    fetch(API + '/health/ready', { headers: { Accept: 'application/json' } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) {
        var ok = r.status === 200;
        box.className = 'ready ' + (ok ? 'ok' : 'bad');
        var detail = '';
        if (!ok && b && b.checks) {
          detail = Object.keys(b.checks).filter(function (k) {
            var c = b.checks[k];
            var s = typeof c === 'object' && c ? c.status : c;
            return s !== 'ok' && s !== true;
          }).join(', ');
        }
        var label = ok ? 'Ready' : 'Degraded' + (detail ? ': ' + detail : '');
        if (text.textContent !== label) text.textContent = label;
      });
    }).catch(function () {
      box.className = 'ready bad';
      if ($('ready-text').textContent !== 'Unreachable') $('ready-text').textContent = 'Unreachable';
    });
  }

  // ---- sign-in --------------------------------------------------------------

  function showLogin(message) {
    $('app').hidden = true; $('nav').hidden = true; $('signout').hidden = true;
    $('login').hidden = false;
    $('dev-hint').hidden = !isLocal();
    $('token-error').textContent = message || '';
    $('token').focus();
  }

  function signOut(message) {
    state.token = null; state.conversationId = null;
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage off */ }
    $('messages').textContent = '';
    $('conv-list').textContent = '';
    $('welcome').hidden = false;
    $('recs-summary').textContent = '';
    progress('');
    showLogin(message);
  }

  function signIn(token) {
    state.token = token;
    return api('GET', '/chat/conversations?limit=50').then(function (page) {
      try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* storage off */ }
      $('login').hidden = true; $('app').hidden = false; $('nav').hidden = false; $('signout').hidden = false;
      renderConversations(page);
      showView('chat');
      $('message').focus();
    });
  }

  // ---- conversations --------------------------------------------------------

  function renderConversations(page) {
    var list = $('conv-list'), items = (page && page.conversations) || [];
    list.textContent = '';
    $('conv-empty').hidden = items.length > 0;
    items.forEach(function (c) {
      var title = c.title || 'Untitled conversation';
      var when = c.updated_at ? new Date(c.updated_at).toLocaleString() : '';
      var open = el('button', {
        type: 'button', class: 'open', 'data-id': c.id,
        'aria-current': c.id === state.conversationId ? 'true' : null,
        onclick: function () { openConversation(c.id); }
      }, [el('span', { class: 'title', text: title }),
          el('span', { class: 'meta', text: (c.message_count || 0) + ' messages · ' + when })]);
      var del = el('button', {
        type: 'button', class: 'del', 'aria-label': 'Delete conversation ' + title, title: 'Delete',
        onclick: function () { deleteConversation(c.id, title); }
      }, ['✕']);
      list.appendChild(el('li', null, [open, del]));
    });
  }

  function refreshConversations() {
    return api('GET', '/chat/conversations?limit=50').then(renderConversations).catch(showError);
  }

  function openConversation(id) {
    closeSidebarIfNarrow();
    return api('GET', '/chat/conversations/' + encodeURIComponent(id)).then(function (c) {
      state.conversationId = c.id;
      $('messages').textContent = '';
      $('welcome').hidden = true;
      (c.messages || []).forEach(function (m) {
        if (m.role === 'user') addMessage('user', m.content);
        else if (m.role === 'assistant') {
          var item = addMessage('assistant', m.content);
          renderActions(item, (m.metadata && m.metadata.actions) || [], m.metadata || {});
        }
      });
      markCurrent();
      $('message').focus();
    }).catch(showError);
  }

  function deleteConversation(id, title) {
    if (!window.confirm('Delete the conversation “' + title + '”? This cannot be undone.')) return;
    api('DELETE', '/chat/conversations/' + encodeURIComponent(id)).then(function () {
      if (state.conversationId === id) newConversation();
      progress('Conversation deleted.');
      return refreshConversations();
    }).catch(showError);
  }

  function newConversation() {
    state.conversationId = null;
    $('messages').textContent = '';
    $('welcome').hidden = false;
    markCurrent();
    $('message').focus();
  }

  function markCurrent() {
    Array.prototype.forEach.call(document.querySelectorAll('#conv-list .open'), function (b) {
      if (b.getAttribute('data-id') === state.conversationId) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    });
  }

  // ---- messages -------------------------------------------------------------

  function addMessage(role, text) {
    $('welcome').hidden = true;
    var body = el('div', { class: 'body' });
    if (role === 'user') body.textContent = text;
    else body.innerHTML = window.QSMarkdown.render(text || '');
    var item = el('li', { class: 'msg ' + role }, [
      el('div', { class: 'who', text: role === 'user' ? 'You' : role === 'error' ? 'Error' : 'QuickSpin AI' }), body]);
    $('messages').appendChild(item);
    item.scrollIntoView({ block: 'end' });
    return item;
  }

  function showError(err) {
    if (err && err.status === 401) return;
    var msg = err instanceof ApiError
      ? err.message + ' (' + err.code + (err.requestId ? ', request ' + err.requestId : '') + ')'
      : 'Could not reach QuickSpin AI: ' + (err && err.message ? err.message : err);
    addMessage('error', msg).setAttribute('role', 'alert');
    progress('');
  }

  function progress(text, busy) {
    var p = $('progress');
    p.textContent = text || '';
    p.classList.toggle('busy', !!busy);
  }

  function describeStep(name, data) {
    if (name === 'intent') return 'Understood: ' + String(data.intent || '').replace(/_/g, ' ') + '…';
    if (name === 'step') return 'Working: ' + String(data.step || '').replace(/_/g, ' ') + '…';
    return '';
  }

  function send(text) {
    if (state.busy || !text.trim()) return;
    state.busy = true;
    $('send').disabled = true;
    addMessage('user', text);
    var item = addMessage('assistant', ''), body = item.querySelector('.body'), acc = '', done = null, failed = null;
    item.setAttribute('aria-busy', 'true');
    body.classList.add('streaming');
    progress('Thinking…', true);
    var req = { message: text };
    if (state.conversationId) req.conversation_id = state.conversationId;
    streamChat(req, function (name, data) {
      if (name === 'token') {
        acc += (data && data.text) || '';
        body.innerHTML = window.QSMarkdown.render(acc);
        item.scrollIntoView({ block: 'end' });
      } else if (name === 'done') {
        done = data;
      } else if (name === 'error') {
        failed = new ApiError(0, data && data.error ? data : { error: data });
      } else {
        var t = describeStep(name, data || {});
        if (t) progress(t, true);
      }
    }).then(function () {
      if (failed) throw failed;
      if (!done) throw new Error('the answer ended early');
      state.conversationId = done.conversation_id || state.conversationId;
      body.innerHTML = window.QSMarkdown.render(done.message || acc);
      renderActions(item, done.actions || [], done.metadata || {});
      progress('');
      return refreshConversations().then(markCurrent);
    }).catch(function (err) {
      if (!acc) item.remove();
      showError(err);
    }).then(function () {
      body.classList.remove('streaming');
      item.removeAttribute('aria-busy');
      state.busy = false;
      $('send').disabled = false;
    });
  }

  // ---- actions --------------------------------------------------------------

  // An earlier card of action id now has status (a later reply settled or
  // superseded it): its new status, and no buttons.
  function markSettled(id, status, label) {
    Array.prototype.forEach.call(document.querySelectorAll('#messages .action'), function (card) {
      if (card.getAttribute('data-action-id') !== id) return;
      var st = card.querySelector('.status');
      if (st) { st.textContent = label || status.replace(/_/g, ' '); st.className = 'status ' + status; }
      var wrap = card.querySelector('.buttons');
      if (wrap) wrap.remove();
      if (label) card.classList.add('superseded');
    });
  }

  function renderActions(item, actions, meta) {
    var revised = window.QSPlan.revisionText(meta.revision);
    if (revised) item.appendChild(el('p', { class: 'revision', text: revised }));
    var old = window.QSPlan.supersedes(meta);
    if (old) markSettled(old, 'cancelled', 'cancelled (superseded)');
    actions.forEach(function (a) {
      if (a.status !== 'pending_confirmation') markSettled(a.id, a.status);
      var est = a.estimate || meta.estimate, cfg = a.config || meta.config;
      var status = el('span', { class: 'status ' + a.status, text: a.status.replace(/_/g, ' ') });
      var details = el('dl');
      if (cfg) ['service_type', 'name', 'tier', 'environment', 'region', 'replicas'].forEach(function (k) {
        if (cfg[k] !== undefined && cfg[k] !== null) {
          details.appendChild(el('dt', { text: k.replace(/_/g, ' ') }));
          details.appendChild(el('dd', { text: String(cfg[k]) }));
        }
      });
      if (est && est.monthly_cost !== undefined) {
        details.appendChild(el('dt', { text: 'estimate' }));
        details.appendChild(el('dd', { text: money(est.monthly_cost) + ' / month' }));
      }
      var titleId = 'action-' + a.id;
      var card = el('section', { class: 'action', 'aria-labelledby': titleId, 'data-action-id': a.id }, [
        el('h3', { id: titleId }, [a.summary || a.type || 'Action']),
        el('p', null, ['Status: ', status]), details.childNodes.length ? details : null]);
      if (a.status === 'pending_confirmation') {
        var confirmBtn = el('button', { type: 'button', class: 'primary', text: 'Confirm',
          'aria-describedby': titleId, onclick: function () { settle(a.id, 'confirm', card, status); } });
        var cancelBtn = el('button', { type: 'button', class: 'danger', text: 'Cancel',
          'aria-describedby': titleId, onclick: function () { settle(a.id, 'cancel', card, status); } });
        card.appendChild(el('div', { class: 'buttons' }, [confirmBtn, cancelBtn]));
      }
      item.appendChild(card);
    });
  }

  function settle(id, verb, card, statusEl) {
    var buttons = card.querySelectorAll('button');
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    progress(verb === 'confirm' ? 'Executing…' : 'Cancelling…', true);
    api('POST', '/actions/' + encodeURIComponent(id) + '/' + verb, {}).then(function (resp) {
      var mine = ((resp && resp.actions) || []).filter(function (a) { return a.id === id; })[0];
      var newStatus = mine ? mine.status : (verb === 'confirm' ? 'executed' : 'cancelled');
      statusEl.textContent = newStatus.replace(/_/g, ' ');
      statusEl.className = 'status ' + newStatus;
      var wrap = card.querySelector('.buttons');
      if (wrap) wrap.remove();
      if (resp && resp.message) addMessage('assistant', resp.message);
      progress('');
      return refreshConversations().then(markCurrent);
    }).catch(function (err) {
      if (err && err.status === 409) {
        statusEl.textContent = 'no longer pending';
        var wrap = card.querySelector('.buttons');
        if (wrap) wrap.remove();
      } else {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      }
      showError(err);
    });
  }

  // ---- savings --------------------------------------------------------------

  function loadRecommendations() {
    $('recs-summary').textContent = 'Loading…';
    return api('GET', '/recommendations').then(renderRecommendations).catch(function (err) {
      $('recs-summary').textContent = err instanceof ApiError ? err.message : 'Could not load recommendations.';
    });
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function renderRecommendations(r) {
    var recs = (r && r.recommendations) || [], ca = (r && r.cost_analysis) || {};
    var total = r ? r.total_potential_savings : 0;
    var summary = $('recs-summary');
    summary.textContent = '';
    summary.appendChild(el('p', null, [el('span', { class: 'big', text: money(total) }), ' potential savings per month']));
    summary.appendChild(el('p', { class: 'muted', text: 'Current monthly cost ' + money(ca.total_monthly_cost) +
      ' across ' + (ca.services_analyzed || 0) + ' services.' }));
    var rows = $('recs-table').querySelector('tbody');
    rows.textContent = '';
    recs.forEach(function (x) {
      rows.appendChild(el('tr', null, [
        el('td', { text: x.service_name || x.service_id }),
        el('td', null, [el('strong', { text: x.type.replace(/_/g, ' ') }), el('br'), x.description || '']),
        el('td', { text: x.priority }),
        el('td', { class: 'num', text: money(x.current_monthly_cost) }),
        el('td', { class: 'num', text: money(x.projected_monthly_cost) }),
        el('td', { class: 'num', text: money(x.monthly_savings) }),
        el('td', null, [el('button', { type: 'button', class: 'small apply', text: 'Apply',
          'aria-label': 'Apply: ' + x.type.replace(/_/g, ' ') + ' for ' + (x.service_name || x.service_id),
          onclick: function () { applyRecommendation(x, this); } })])]));
    });
    $('recs-total').textContent = money(total);
    $('recs-table').hidden = recs.length === 0;
    if (!recs.length) summary.appendChild(el('p', { text: 'Nothing to save right now.' }));

    // Horizontal bars: one per recommendation, scaled to the largest saving.
    var wrap = $('recs-chart');
    wrap.textContent = '';
    $('recs-chart-wrap').hidden = recs.length === 0;
    if (!recs.length) return;
    var max = Math.max.apply(null, recs.map(function (x) { return x.monthly_savings || 0; })) || 1;
    var rowH = 28, labelW = 230, barW = 380, width = labelW + barW + 90, height = recs.length * rowH + 10;
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'Monthly savings: ' + recs.map(function (x) {
        return (x.service_name || x.service_id) + ' ' + x.type.replace(/_/g, ' ') + ' ' + money(x.monthly_savings);
      }).join('; ') });
    recs.forEach(function (x, i) {
      var y = 5 + i * rowH, w = Math.max(2, Math.round(barW * (x.monthly_savings || 0) / max));
      var label = (x.service_name || x.service_id) + ' · ' + x.type.replace(/_/g, ' ');
      if (label.length > 34) label = label.slice(0, 33) + '…';
      chart.appendChild(svg('text', { x: labelW - 8, y: y + 17, 'text-anchor': 'end' }, label));
      var bar = svg('rect', { x: labelW, y: y + 4, width: w, height: rowH - 10, rx: 3, class: 'bar ' + x.priority });
      bar.appendChild(svg('title', {}, label + ': ' + money(x.monthly_savings) + ' / month'));
      chart.appendChild(bar);
      chart.appendChild(svg('text', { x: labelW + w + 6, y: y + 17 }, money(x.monthly_savings)));
    });
    wrap.appendChild(chart);
  }

  // ---- applying a recommendation (contract section 9) -----------------------
  // Apply asks the server to propose the change (a pending action in a new
  // conversation); the dialog shows it and asks; Confirm executes it (a
  // delete needs the service's name typed back), Cancel cancels it.

  var applying = null;            // {action, name, delete, done}

  function applyRecommendation(rec, button) {
    button.disabled = true;
    api('POST', '/recommendations/' + encodeURIComponent(rec.id) + '/apply', {}).then(function (resp) {
      var action = ((resp && resp.actions) || []).filter(function (a) {
        return a.status === 'pending_confirmation';
      })[0];
      showApplyDialog(rec, resp, action);
    }).catch(function (err) {
      $('recs-summary').textContent = err instanceof ApiError ? err.message : 'Could not reach QuickSpin AI.';
    }).then(function () { button.disabled = false; });
  }

  function showApplyDialog(rec, resp, action) {
    var dialog = $('apply-dialog'), change = (action && action.change) || {};
    var del = !!action && action.type === 'delete_service';
    var name = (action && action.config && action.config.name) || rec.service_name || rec.service_id;
    applying = { action: action, name: name, delete: del, done: !action };
    $('apply-title').textContent = (del ? 'Delete ' : 'Change ') + name;
    $('apply-summary').textContent = action ? rec.description || '' : '';
    var list = $('apply-changes');
    list.textContent = '';
    window.QSPlan.changeLines(change).forEach(function (line) { list.appendChild(el('li', { text: line })); });
    $('apply-cost').textContent = action ? 'Monthly cost ' + money(change.monthly_cost_before) + ' -> ' +
      money(change.monthly_cost_after) + ' (saves ' + money((change.monthly_cost_before || 0) -
      (change.monthly_cost_after || 0)) + ' per month)' : '';
    $('apply-name-wrap').hidden = !del;
    $('apply-name-hint').textContent = name;
    $('apply-name').value = '';
    var result = $('apply-result');
    result.textContent = '';
    // refused before asking (role, plan): the answer says why, nothing to confirm
    if (!action) result.innerHTML = window.QSMarkdown.render((resp && resp.message) || 'Nothing to apply.');
    var confirmBtn = $('apply-confirm');
    confirmBtn.hidden = !action;
    confirmBtn.textContent = del ? 'Delete' : 'Apply change';
    confirmBtn.className = del ? 'danger' : 'primary';
    confirmBtn.disabled = del;
    $('apply-close').textContent = action ? 'Cancel' : 'Close';
    dialog.showModal();
    (del ? $('apply-name') : action ? confirmBtn : $('apply-close')).focus();
  }

  function settleApply(verb) {
    var a = applying;
    if (!a) return;
    if (a.done || !a.action) { closeApply(); return; }
    var body = verb === 'confirm' && a.delete ? { confirm_name: $('apply-name').value } : {};
    $('apply-confirm').disabled = true;
    $('apply-close').disabled = true;
    var result = $('apply-result');
    result.textContent = verb === 'confirm' ? 'Executing…' : 'Cancelling…';
    api('POST', '/actions/' + encodeURIComponent(a.action.id) + '/' + verb, body).then(function (resp) {
      var mine = ((resp && resp.actions) || []).filter(function (x) { return x.id === a.action.id; })[0];
      var status = mine ? mine.status : (verb === 'confirm' ? 'executed' : 'cancelled');
      a.done = true;
      if (verb === 'cancel') { closeApply(); return; }
      result.textContent = '';
      result.appendChild(el('p', null, ['Status: ', el('span', { class: 'status ' + status, text: status.replace(/_/g, ' ') })]));
      var msg = el('div');
      msg.innerHTML = window.QSMarkdown.render((resp && resp.message) || '');
      result.appendChild(msg);
      $('apply-confirm').hidden = true;
      $('apply-close').textContent = 'Close';
    }).catch(function (err) {
      result.textContent = err instanceof ApiError ? err.message : 'Could not reach QuickSpin AI.';
      if (err && err.status === 409) a.done = true;
      $('apply-confirm').disabled = a.done || (a.delete && $('apply-name').value !== a.name);
    }).then(function () { $('apply-close').disabled = false; });
  }

  function closeApply() {
    var a = applying;
    applying = null;
    if ($('apply-dialog').open) $('apply-dialog').close();
    if (a && a.done) {
      loadRecommendations();
      refreshConversations();
    }
  }

  // ---- views and wiring -----------------------------------------------------

  function showView(view) {
    state.view = view;
    $('tab-chat').setAttribute('aria-pressed', String(view === 'chat'));
    $('tab-savings').setAttribute('aria-pressed', String(view === 'savings'));
    $('chat').hidden = view !== 'chat';
    $('sidebar').hidden = view !== 'chat';
    $('savings').hidden = view !== 'savings';
    if (view === 'savings') loadRecommendations();
  }

  function closeSidebarIfNarrow() {
    $('sidebar').classList.remove('open');
    $('toggle-convs').setAttribute('aria-expanded', 'false');
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var token = $('token').value.trim().replace(/^Bearer\s+/i, '');
      if (!token) { $('token-error').textContent = 'Enter a token.'; return; }
      $('token-error').textContent = '';
      signIn(token).catch(function (err) {
        state.token = null;
        $('token-error').textContent = err instanceof ApiError
          ? (err.status === 401 ? 'That token was not accepted (invalid or expired).' : err.message)
          : 'Could not reach QuickSpin AI.';
      });
    });
    $('token').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); $('login-form').requestSubmit(); }
    });
    $('composer').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var box = $('message'), text = box.value;
      if (!text.trim() || state.busy) return;
      box.value = '';
      send(text);
    });
    $('message').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $('composer').requestSubmit();
      }
    });
    $('new-conv').addEventListener('click', function () { newConversation(); closeSidebarIfNarrow(); });
    $('signout').addEventListener('click', function () { signOut(''); });
    $('tab-chat').addEventListener('click', function () { showView('chat'); });
    $('tab-savings').addEventListener('click', function () { showView('savings'); });
    $('refresh-recs').addEventListener('click', loadRecommendations);
    $('apply-confirm').addEventListener('click', function () { settleApply('confirm'); });
    $('apply-close').addEventListener('click', function () { settleApply('cancel'); });
    $('apply-name').addEventListener('input', function () {
      if (applying) $('apply-confirm').disabled = applying.done || this.value !== applying.name;
    });
    // Escape is a Cancel: the pending action must not outlive the dialog
    $('apply-dialog').addEventListener('cancel', function (ev) { ev.preventDefault(); settleApply('cancel'); });
    $('toggle-convs').addEventListener('click', function () {
      var open = $('sidebar').classList.toggle('open');
      this.setAttribute('aria-expanded', String(open));
    });

    pollReady();
    setInterval(pollReady, 10000);

    var saved = null;
    try { saved = sessionStorage.getItem(TOKEN_KEY); } catch (e) { saved = null; }
    if (saved) signIn(saved).catch(function () { showLogin('Please sign in again.'); });
    else showLogin('');
  });
})();
