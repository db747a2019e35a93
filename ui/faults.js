// Faults: the active ones (the first added that matches a request applies), a form to add one,
// and buttons to remove one or all.
import { admin } from './api.js';
import { $, confirmAction, fill, h, toast } from './dom.js';

let list = [];
let lastText = '';

export function init() {
  $('#fault-form').addEventListener('submit', add);
  $('#faults-clear').addEventListener('click', removeAll);
}

export function shown() {
  load().catch(() => {});
}

export function hasFaults() {
  return list.length > 0;
}

export async function load() {
  const data = await admin('/faults');
  const text = JSON.stringify(data.faults || []);
  if (text === lastText) return;
  lastText = text;
  list = data.faults || [];
  render();
}

function effect(fault) {
  const parts = [];
  if (fault.delay_ms !== null && fault.delay_ms !== undefined) {
    const d = fault.delay_ms;
    parts.push(typeof d === 'number' ? `delay ${d} ms` : `delay ${d.min}–${d.max} ms`);
  }
  if (fault.status) {
    const body = fault.body === null || fault.body === undefined ? '' : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
    parts.push(`answer ${fault.status}${body ? ` ${body.length > 80 ? `${body.slice(0, 80)}…` : body}` : ''}`);
  }
  if (fault.drop_connection) parts.push('drop the connection');
  return parts.join(', then ');
}

function render() {
  const rows = list.map((fault) =>
    h(
      'tr',
      { dataset: { id: fault.id } },
      h('th', { scope: 'row', 'data-label': 'Id', class: 'num' }, fault.id),
      h('td', { 'data-label': 'Method' }, fault.method || 'any'),
      h('td', { 'data-label': 'Path pattern', class: 'mono' }, fault.path),
      h('td', { 'data-label': 'Namespace', class: 'mono' }, fault.namespace || 'any'),
      h('td', { 'data-label': 'Effect' }, effect(fault)),
      h('td', { 'data-label': 'Times left', class: 'num' }, fault.times ?? '∞'),
      h(
        'td',
        { class: 'row-actions' },
        h('button', { type: 'button', class: 'danger', 'aria-label': `Remove fault ${fault.id}`, onclick: () => remove(fault.id) }, 'Remove'),
      ),
    ),
  );
  fill($('#faults-table').tBodies[0], rows);
  $('#faults-empty').hidden = list.length > 0;
  $('#faults-clear').disabled = list.length === 0;
  const nav = document.querySelector('nav a[data-view=faults]');
  nav.dataset.badge = list.length ? String(list.length) : '';
}

function number(form, name) {
  const text = String(form.get(name) || '').trim();
  return text === '' ? null : Number(text);
}

async function add(event) {
  event.preventDefault();
  const formEl = event.target;
  const form = new FormData(formEl);
  const errorEl = $('#fault-error');
  const spec = { path: String(form.get('path') || '').trim() };
  const method = String(form.get('method') || '');
  if (method) spec.method = method;
  const namespace = String(form.get('namespace') || '').trim();
  if (namespace) spec.namespace = namespace;
  const status = number(form, 'status');
  if (status !== null) spec.status = status;
  const bodyText = String(form.get('body') || '');
  if (bodyText.trim()) {
    try {
      spec.body = JSON.parse(bodyText);
    } catch {
      spec.body = bodyText;
    }
  }
  const min = number(form, 'delay_min');
  const max = number(form, 'delay_max');
  if (min !== null || max !== null) {
    const low = min ?? max;
    const high = max ?? min;
    spec.delay_ms = low === high ? low : { min: low, max: high };
  }
  if (form.get('drop_connection')) spec.drop_connection = true;
  const times = number(form, 'times');
  if (times !== null) spec.times = times;
  try {
    const added = await admin('/faults', { method: 'POST', body: spec });
    errorEl.hidden = true;
    toast(`Added fault ${added.id}`);
    formEl.reset();
    await load();
  } catch (error) {
    errorEl.textContent = error.message;
    errorEl.hidden = false;
  }
}

async function remove(id) {
  try {
    await admin(`/faults/${id}`, { method: 'DELETE' });
    toast(`Removed fault ${id}`);
  } catch (error) {
    toast(`Could not remove fault ${id}: ${error.message}`, 'error');
  }
  await load().catch(() => {});
}

async function removeAll() {
  const answer = await confirmAction({ title: 'Remove every fault?', text: `${list.length} active fault(s) go; requests get real answers again.`, ok: 'Remove all' });
  if (!answer) return;
  try {
    const result = await admin('/faults', { method: 'DELETE' });
    toast(`Removed ${result.removed} fault(s)`);
  } catch (error) {
    toast(`Could not remove the faults: ${error.message}`, 'error');
  }
  await load().catch(() => {});
}
