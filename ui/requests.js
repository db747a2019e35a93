// Requests: the journal, newest first, kept current by the stream that app.js follows; filters by
// API, method, path, status and namespace; a row opens to the request and the response.
import { admin } from './api.js';
import { $, clockTime, confirmAction, fill, h, pathMatches, prettyBody, timeEl, toast } from './dom.js';

const KEEP = 1000; // entries held by the page
const SHOW = 300; // rows rendered

let entries = []; // newest first
const expanded = new Set();
let paused = false;
let off = false; // the server keeps no journal
let missed = 0;

export function init() {
  const form = $('#request-filters');
  form.addEventListener('input', render);
  form.addEventListener('submit', (event) => event.preventDefault());
  $('#requests-pause').addEventListener('click', () => {
    paused = !paused;
    $('#requests-pause').setAttribute('aria-pressed', String(paused));
    $('#requests-pause').textContent = paused ? 'Resume' : 'Pause';
    if (!paused) {
      missed = 0;
      render();
    }
  });
  $('#requests-clear').addEventListener('click', clearJournal);
}

export function shown() {
  render();
}

/** Loads the journal's newest entries; returns the last seq, for the stream to go on from. */
export async function loadInitial() {
  const data = await admin(`/requests?limit=${KEEP}`);
  const list = data.requests || [];
  entries = list.slice().reverse();
  render();
  return list.reduce((max, entry) => Math.max(max, entry.seq || 0), 0);
}

/** The server keeps no journal (--journal-size 0): say so instead of "no requests yet". */
export function journalOff() {
  off = true;
  $('#requests-pause').disabled = true;
  render();
}

/** Forgets every entry (the server restarted with a new journal). */
export function reset() {
  entries = [];
  expanded.clear();
  missed = 0;
  render();
}

// Entries that arrived since the last frame: drawn together, so that a burst of traffic costs
// one DOM update per frame rather than one per request.
let pending = [];
let frame = null;

export function add(entry) {
  entries.unshift(entry);
  if (entries.length > KEEP) entries.length = KEEP;
  if (paused) {
    missed += 1;
    $('#requests-shown').textContent = `paused: ${missed} new`;
    return;
  }
  pending.push(entry);
  if (pending.length > SHOW) pending = pending.slice(-SHOW);
  frame ??= requestAnimationFrame(flush);
}

function flush() {
  frame = null;
  const f = filters();
  const fresh = pending.filter((entry) => matches(entry, f)).reverse();
  pending = [];
  if (!fresh.length) return;
  const body = $('#requests-table').tBodies[0];
  body.prepend(...fresh.slice(0, SHOW).flatMap(rowsFor));
  while (body.rows.length > SHOW * 2) body.lastElementChild.remove();
  $('#requests-empty').hidden = true;
  showCount(entries.filter((entry) => matches(entry, f)).length);
}

function showCount(count) {
  $('#requests-shown').textContent = count > SHOW ? `newest ${SHOW} of ${count}` : `${count} shown`;
}

function filters() {
  const form = new FormData($('#request-filters'));
  const get = (name) => String(form.get(name) || '').trim();
  return { api: get('api'), method: get('method'), path: get('path'), status: get('status'), namespace: get('namespace') };
}

function matches(entry, f) {
  if (entry.preflight && f.method !== 'OPTIONS') return false;
  if (f.api && entry.api !== f.api) return false;
  if (f.method && entry.method.toUpperCase() !== f.method.toUpperCase()) return false;
  if (f.namespace && entry.namespace !== f.namespace) return false;
  if (f.path && !pathMatches(f.path, entry.path)) return false;
  if (f.status) {
    const status = String(entry.status);
    const pattern = f.status.toLowerCase();
    if (pattern.length === 3 && pattern.endsWith('xx')) return status[0] === pattern[0];
    if (status !== pattern) return false;
  }
  return true;
}

function render() {
  pending = [];
  const f = filters();
  const list = entries.filter((entry) => matches(entry, f));
  fill($('#requests-table').tBodies[0], list.slice(0, SHOW).map(rowsFor));
  $('#requests-empty').hidden = list.length > 0;
  $('#requests-empty').textContent = off
    ? 'The journal is off: this server was started with --journal-size 0, so it records no requests.'
    : entries.length
      ? 'No request matches the filters.'
      : 'No requests yet. Point your app at this server and they show up here as they arrive.';
  showCount(list.length);
}

function statusClass(status) {
  if (status === 0) return 'status s0';
  return `status s${String(status)[0]}`;
}

function duration(micros) {
  if (micros >= 1_000_000) return `${(micros / 1_000_000).toFixed(2)} s`;
  if (micros >= 1000) return `${(micros / 1000).toFixed(1)} ms`;
  return `${micros} µs`;
}

function rowsFor(entry) {
  const open = expanded.has(entry.seq);
  const detailId = `request-${entry.seq}`;
  const toggle = h(
    'button',
    { type: 'button', class: 'expand', 'aria-expanded': String(open), 'aria-controls': detailId, title: 'Show the request and response' },
    h('span', { class: 'chevron', 'aria-hidden': 'true' }, '▸'),
    timeEl(entry.time, clockTime(entry.time)),
  );
  const row = h(
    'tr',
    {
      class: open ? 'req open' : 'req',
      dataset: { seq: entry.seq },
      onclick: (event) => {
        if (event.target.closest('button')) return; // the time cell's button has its own handler
        toggleRow(entry, row);
      },
    },
    h('td', { 'data-label': 'Time' }, toggle),
    h('td', { 'data-label': 'Method' }, h('span', { class: `method m-${entry.method}` }, entry.method)),
    h('td', { 'data-label': 'Path', class: 'mono path' }, entry.path, entry.query ? h('span', { class: 'muted' }, `?${entry.query}`) : ''),
    h('td', { 'data-label': 'Status' }, h('span', { class: statusClass(entry.status), title: entry.status === 0 ? 'connection dropped by a fault' : '' }, entry.status === 0 ? 'dropped' : entry.status)),
    h('td', { 'data-label': 'API · operation' }, h('span', { class: `api api-${entry.api}` }, entry.api), ' ', h('span', { class: 'mono' }, entry.operation || '—')),
    h('td', { 'data-label': 'Namespace', class: 'mono' }, entry.namespace),
    h('td', { 'data-label': 'Duration', class: 'num' }, duration(entry.duration_micros || 0)),
  );
  toggle.addEventListener('click', () => toggleRow(entry, row));
  const detail = h('tr', { class: 'req-detail', id: detailId, hidden: !open }, h('td', { colspan: '7' }, open ? detailOf(entry) : ''));
  return [row, detail];
}

function toggleRow(entry, row) {
  const detail = row.nextElementSibling;
  const open = !expanded.has(entry.seq);
  if (open) expanded.add(entry.seq);
  else expanded.delete(entry.seq);
  row.classList.toggle('open', open);
  row.querySelector('button.expand').setAttribute('aria-expanded', String(open));
  detail.hidden = !open;
  fill(detail.cells[0], open ? detailOf(entry) : '');
}

function headerList(headers) {
  const names = Object.keys(headers || {});
  if (!names.length) return h('p', { class: 'muted' }, 'No headers.');
  return h('dl', { class: 'headers' }, names.map((name) => [h('dt', {}, name), h('dd', {}, String(headers[name]))]));
}

function bodyBlock(text, parsed, truncated) {
  const shown = prettyBody(text, parsed);
  if (!shown) return h('p', { class: 'muted' }, 'No body.');
  return [h('pre', { class: 'json', tabindex: '0' }, shown), truncated ? h('p', { class: 'muted' }, 'Truncated: the journal keeps the first 8 KiB.') : ''];
}

function detailOf(entry) {
  return h(
    'div',
    { class: 'req-body' },
    h('div', { class: 'req-meta' },
      h('span', {}, `#${entry.seq}`),
      h('span', {}, timeEl(entry.time, entry.time)),
      h('span', {}, `api ${entry.api}`),
      h('span', {}, `operation ${entry.operation || '—'}`),
      h('span', {}, `namespace ${entry.namespace}`),
      h('button', { type: 'button', onclick: () => copyCurl(entry) }, 'Copy as curl'),
    ),
    h('div', { class: 'req-cols' },
      h('section', { 'aria-label': 'Request' },
        h('h3', {}, 'Request'),
        h('p', { class: 'mono' }, `${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''}`),
        h('h4', {}, 'Headers'),
        headerList(entry.request_headers),
        h('h4', {}, 'Body'),
        bodyBlock(entry.request_body, entry.request_json, entry.request_body_truncated),
      ),
      h('section', { 'aria-label': 'Response' },
        h('h3', {}, 'Response'),
        h('p', { class: 'mono' }, entry.status === 0 ? 'connection dropped (fault)' : `status ${entry.status}`, ` · ${duration(entry.duration_micros || 0)}`),
        entry.response_headers ? [h('h4', {}, 'Headers'), headerList(entry.response_headers)] : '',
        h('h4', {}, 'Body'),
        bodyBlock(entry.response_body, entry.response_json, entry.response_body_truncated),
      ),
    ),
  );
}

const SKIP_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'user-agent']);

function shellQuote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

/** The request as a curl command line. Credentials the journal shortened become $API_KEY. */
export function curlOf(entry, origin = location.origin) {
  const parts = ['curl'];
  if (entry.method !== 'GET') parts.push('-X', entry.method);
  parts.push(shellQuote(`${origin}${entry.path}${entry.query ? `?${entry.query}` : ''}`));
  for (const [name, value] of Object.entries(entry.request_headers || {})) {
    if (SKIP_HEADERS.has(name)) continue;
    if (String(value).includes('…')) {
      const scheme = String(value).split(' ')[0];
      parts.push('-H', `"${name}: ${scheme.includes('…') ? '' : `${scheme} `}$API_KEY"`);
    } else {
      parts.push('-H', shellQuote(`${name}: ${value}`));
    }
  }
  if (entry.request_body) parts.push('--data-raw', shellQuote(entry.request_body));
  return parts.join(' ');
}

async function copyCurl(entry) {
  const text = curlOf(entry);
  try {
    await navigator.clipboard.writeText(text);
    toast('Copied the curl command');
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select it for a manual copy.
    const area = h('textarea', { class: 'copy-fallback', readonly: true, rows: '4', 'aria-label': 'curl command' }, text);
    document.activeElement?.closest('.req-meta')?.after(area);
    area.select();
    toast('Select and copy the command shown', 'info');
  }
}

async function clearJournal() {
  const answer = await confirmAction({
    title: 'Clear the journal?',
    text: 'Every recorded request goes, for every namespace and every client reading it.',
    ok: 'Clear',
  });
  if (!answer) return;
  try {
    const result = await admin('/requests', { method: 'DELETE' });
    entries = [];
    expanded.clear();
    render();
    toast(`Cleared ${result.cleared ?? 'the'} requests`);
  } catch (error) {
    toast(`Could not clear: ${error.message}`, 'error');
  }
}
