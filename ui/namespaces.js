// Namespaces: every one with its counts and last use, with reset and remove; also fills the
// namespace picker's suggestions.
import { admin } from './api.js';
import { $, ago, confirmAction, dateTime, fill, h, timeEl, toast } from './dom.js';

let app;
let list = [];

export function init(appState) {
  app = appState;
}

export function shown() {
  app.refresh('namespaces');
}

export async function load() {
  const data = await admin('/namespaces');
  list = data.namespaces || [];
  fill($('#ns-list'), list.map((ns) => h('option', { value: ns.name })));
  if (app.view === 'namespaces') render();
}

function render() {
  const rows = list.map((ns) => {
    const current = ns.name === app.namespace;
    return h(
      'tr',
      { class: current ? 'selected' : '', dataset: { name: ns.name } },
      h('th', { scope: 'row', 'data-label': 'Name' },
        h('button', { type: 'button', class: 'link mono', title: 'Show its identities', onclick: () => open(ns.name) }, ns.name),
        current ? h('span', { class: 'tag' }, 'chosen') : ''),
      h('td', { 'data-label': 'Letta identities', class: 'num' }, ns.letta?.identities ?? '—'),
      h('td', { 'data-label': 'orq identities', class: 'num' }, ns.orq?.identities ?? '—'),
      h('td', { 'data-label': 'Data' }, ns.own_data ? 'its own' : 'the shared fixtures'),
      h('td', { 'data-label': 'Last used' }, timeEl(ns.last_used, ago(ns.last_used)), h('span', { class: 'muted' }, ` (${dateTime(ns.last_used)})`)),
      h('td', { class: 'row-actions' },
        h('button', { type: 'button', 'aria-label': `Reset ${ns.name}`, onclick: () => reset(ns.name) }, 'Reset'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${ns.name}`, onclick: () => remove(ns.name) }, 'Remove'),
      ),
    );
  });
  fill($('#namespaces-table').tBodies[0], rows);
}

function open(name) {
  app.setNamespace(name);
  location.hash = '#identities';
}

async function reset(name) {
  const answer = await confirmAction({
    title: `Reset namespace “${name}”?`,
    text: 'It goes back to the fixtures; everything written to it is lost.',
    ok: 'Reset',
    option: 'Empty it instead (no fixtures)',
  });
  if (!answer) return;
  try {
    await admin(`/reset?namespace=${encodeURIComponent(name)}${answer.option ? '&empty=true' : ''}`, { method: 'POST' });
    toast(`Namespace “${name}” reset`);
  } catch (error) {
    toast(`Could not reset: ${error.message}`, 'error');
  }
  app.refresh('namespaces');
  if (name === app.namespace) app.refresh('state');
}

async function remove(name) {
  const answer = await confirmAction({
    title: `Remove namespace “${name}”?`,
    text: 'It and its data go; the next request that names it starts it again from the fixtures.',
    ok: 'Remove',
  });
  if (!answer) return;
  try {
    await admin(`/namespaces/${encodeURIComponent(name)}`, { method: 'DELETE' });
    toast(`Namespace “${name}” removed`);
  } catch (error) {
    toast(`Could not remove: ${error.message}`, 'error');
  }
  app.refresh('namespaces');
  if (name === app.namespace) app.refresh('state');
}
