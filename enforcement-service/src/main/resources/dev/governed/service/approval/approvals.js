// The reviewers' page: every value from the service is shown with textContent, never parsed as HTML.
'use strict';

const POLL_MS = 2000;
let token = sessionStorage.getItem('governed.token');
let selected = null;
let requests = new Map();
let timer = null;

const $ = (id) => document.getElementById(id);

function show(element, visible) {
  element.hidden = !visible;
}

function say(text, isError) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

function subjectOf(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub || '(no subject)';
  } catch (e) {
    return null;
  }
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: Object.assign({ Authorization: 'Bearer ' + token, Accept: 'application/json' },
      body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) {
    const error = new Error(json && json.message ? json.message : 'HTTP ' + response.status);
    error.status = response.status;
    throw error;
  }
  return json;
}

function signIn() {
  const pasted = $('token').value.trim();
  if (!subjectOf(pasted)) {
    say('That is not a JWT: paste the whole token (three dot-separated parts).', true);
    return;
  }
  token = pasted;
  sessionStorage.setItem('governed.token', token);
  $('token').value = '';
  start();
}

function signOut() {
  token = null;
  sessionStorage.removeItem('governed.token');
  clearInterval(timer);
  requests = new Map();
  selected = null;
  show($('who'), false);
  show($('queue'), false);
  show($('detail'), false);
  show($('signin'), true);
  say('Signed out.');
}

function start() {
  $('subject').textContent = subjectOf(token);
  show($('signin'), false);
  show($('who'), true);
  show($('queue'), true);
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, POLL_MS);
}

async function refresh() {
  try {
    const body = await api('GET', '/v1/approvals?status=pending&limit=200');
    requests = new Map(body.approvals.map((each) => [each.id, each]));
    renderList();
    const wanted = selected || decodeURIComponent(location.hash.slice(1));
    if (wanted) {
      await select(wanted, false);
    }
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.status === 401) {
      signOut();
      say('The token was refused (' + e.message + '). Sign in again with a fresh token.', true);
    } else {
      say('Could not load requests: ' + e.message, true);
    }
  }
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.appendChild(td);
}

function renderList() {
  const tbody = $('pending').querySelector('tbody');
  tbody.replaceChildren();
  for (const each of requests.values()) {
    const row = document.createElement('tr');
    row.className = 'request' + (each.id === selected ? ' selected' : '');
    row.dataset.id = each.id;
    cell(row, new Date(each.createdAt).toLocaleString());
    cell(row, each.requester.subject);
    cell(row, each.rule);
    cell(row, each.resource + (each.environment ? ' (' + each.environment + ')' : ''));
    cell(row, each.statement.length > 80 ? each.statement.slice(0, 80) + '…' : each.statement);
    row.addEventListener('click', () => select(each.id, true));
    tbody.appendChild(row);
  }
  show($('empty'), requests.size === 0);
}

async function select(id, fromClick) {
  let request = requests.get(id);
  if (!request) {
    try {
      request = await api('GET', '/v1/approvals/' + encodeURIComponent(id));
    } catch (e) {
      if (fromClick) say('Could not load ' + id + ': ' + e.message, true);
      return;
    }
  }
  if (selected !== id) {
    $('decision-reason').value = '';
  }
  selected = id;
  if (location.hash.slice(1) !== id) {
    history.replaceState(null, '', '#' + id);
  }
  renderDetail(request);
  renderList();
}

// What an approval lets the statement do, and to whose database login the privileges are granted: a once-approval
// grants only what the statement touches, a window every privilege its rule approves.
function touchesOf(r) {
  const touches = (r.touches || []).map((t) => t.operation + ' ' + (t.schema ? t.schema + '.' : '') + t.table);
  const what = touches.length ? touches.join(', ') : '(no tables)';
  if (!r.login) {
    return what + ' — the connection uses its own credentials; nothing is granted';
  }
  return what + (r.mode === 'once' ? ' — granted to the session login ' + r.login + ' while approved'
    : ' — the session login ' + r.login + ' is granted every privilege rule ' + r.rule
      + ' approves for the window, not only these');
}

function renderDetail(r) {
  $('detail-id').textContent = r.id;
  $('detail-status').textContent = r.status;
  $('detail-statement').textContent = r.statement;
  $('detail-digest').textContent = r.parameterDigest || '(none)';
  $('detail-touches').textContent = touchesOf(r);
  const who = r.requester;
  $('detail-requester').textContent = who.subject + (who.onBehalfOf ? ' on behalf of ' + who.onBehalfOf : '')
    + ' — groups ' + (who.groups.length ? who.groups.join(', ') : '(none)') + (who.issuer ? ' — issuer ' + who.issuer : '');
  $('detail-rule').textContent = r.rule + ' (policy version ' + r.policyVersion + ', mode ' + r.mode
    + (r.windowSeconds ? ', window ' + r.windowSeconds + ' s' : '') + ')';
  $('detail-reason').textContent = r.requestReason || '(the rule gives no reason)';
  $('detail-context').textContent = 'resource ' + r.resource + (r.environment ? ', environment ' + r.environment : '')
    + ', requested ' + new Date(r.createdAt).toLocaleString();
  const given = (r.approvals || []).map((v) => v.approver).join(', ');
  $('detail-approvals').textContent = (r.approvals || []).length + ' of ' + (r.minApprovals || 1) + ' needed'
    + (given ? ' (' + given + ')' : '') + ' — approvers from ' + r.approverGroups.join(', ');
  $('detail-expires').textContent = new Date(r.expiresAt).toLocaleString();
  const open = r.status === 'pending';
  $('approve').disabled = !open;
  $('deny').disabled = !open;
  show($('detail'), true);
}

async function decide(action) {
  if (!selected) return;
  const reason = $('decision-reason').value.trim();
  if (action === 'deny' && !reason) {
    say('Give a reason to deny: the agent sees it.', true);
    return;
  }
  try {
    const result = await api('POST', '/v1/approvals/' + encodeURIComponent(selected) + '/' + action,
      reason ? { reason } : {});
    say('Request ' + result.id + ' is ' + result.status
      + (result.status === 'pending' ? ' (' + result.approvals.length + ' of ' + result.minApprovals + ' approvals)' : '') + '.');
    renderDetail(result);
    await refresh();
  } catch (e) {
    say('Could not ' + action + ': ' + e.message, true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('signin-button').addEventListener('click', signIn);
  $('signout').addEventListener('click', signOut);
  $('approve').addEventListener('click', () => decide('approve'));
  $('deny').addEventListener('click', () => decide('deny'));
  window.addEventListener('hashchange', () => select(decodeURIComponent(location.hash.slice(1)), true));
  if (token) start();
});
