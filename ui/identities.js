// Identities: the chosen namespace's Letta and orq identities, read from /__admin/state (reads
// through the vendor APIs would be journaled), with search, sorting by created time, a detail
// panel with the exact JSON and the linked agents and blocks, delete and reset.
import { admin, deleteIdentity } from './api.js';
import { $, $$, confirmAction, dateTime, fill, h, pretty, timeEl, toast } from './dom.js';

const MAX_ROWS = 500;

const API = {
  letta: {
    id: (i) => i.id,
    created: (i) => i.created_at || '',
    title: (i) => i.name || i.identifier_key || i.id,
    columns: [
      ['Name', (i) => i.name],
      ['Identifier key', (i) => i.identifier_key],
      ['Type', (i) => i.identity_type],
    ],
  },
  orq: {
    id: (i) => i._id,
    created: (i) => i.created || '',
    title: (i) => i.display_name || i.external_id || i._id,
    columns: [
      ['Display name', (i) => i.display_name],
      ['External id', (i) => i.external_id],
      ['Email', (i) => i.email],
    ],
  },
};

let app;
let data = { letta: { identities: [] }, orq: { identities: [] } };
let lastText = null;
let tab = 'letta';
let sort = 'desc';
let selected = null; // {api, id}
const searchText = new WeakMap();

export function init(appState) {
  app = appState;
  for (const button of $$('#view-identities [role=tab]')) {
    button.addEventListener('click', () => selectTab(button.dataset.api));
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      event.preventDefault();
      const next = button.dataset.api === 'letta' ? 'orq' : 'letta';
      selectTab(next);
      $(`#tab-${next}`).focus();
    });
  }
  $('#identity-search').addEventListener('input', render);
  $('#identity-sort').addEventListener('change', (event) => {
    sort = event.target.value;
    render();
  });
  $('#reset-ns').addEventListener('click', resetNamespace);
}

export function shown() {
  app.refresh('state');
}

export function namespaceChanged() {
  lastText = null;
  selected = null;
}

function selectTab(api) {
  tab = api;
  for (const button of $$('#view-identities [role=tab]')) {
    const on = button.dataset.api === api;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
  }
  $('#identities-panel').setAttribute('aria-labelledby', `tab-${api}`);
  render();
}

/** The namespace's data from a state document (a server without ?namespace= sends all of it). */
function sectionsOf(doc, namespace) {
  if (doc && doc.namespaces && typeof doc.namespaces === 'object') {
    return doc.namespaces[namespace] || { letta: doc.letta, orq: doc.orq };
  }
  return doc || {};
}

export async function load() {
  const namespace = app.namespace;
  const text = await admin(`/state?namespace=${encodeURIComponent(namespace)}`, { raw: true });
  if (namespace !== app.namespace || text === lastText) return;
  lastText = text;
  const doc = sectionsOf(JSON.parse(text), namespace);
  data = {
    letta: { identities: [], agents: [], blocks: [], ...(doc.letta || {}) },
    orq: { identities: [], ...(doc.orq || {}) },
  };
  render();
}

function haystack(identity) {
  let text = searchText.get(identity);
  if (text === undefined) {
    text = JSON.stringify(identity).toLowerCase();
    searchText.set(identity, text);
  }
  return text;
}

function render() {
  $('#count-letta').textContent = data.letta.identities.length;
  $('#count-orq').textContent = data.orq.identities.length;
  const spec = API[tab];
  const query = $('#identity-search').value.trim().toLowerCase();
  let list = data[tab].identities.filter((identity) => !query || haystack(identity).includes(query));
  list = list
    .map((identity, index) => ({ identity, index }))
    .sort((a, b) => {
      const order = spec.created(a.identity).localeCompare(spec.created(b.identity)) || a.index - b.index;
      return sort === 'asc' ? order : -order;
    })
    .map(({ identity }) => identity);

  const table = $('#identities-table');
  const createdSort = sort === 'asc' ? 'ascending' : 'descending';
  fill(
    table.tHead,
    h(
      'tr',
      {},
      spec.columns.map(([label]) => h('th', { scope: 'col' }, label)),
      h(
        'th',
        { scope: 'col', 'aria-sort': createdSort },
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            title: 'Sort by created time',
            onclick: () => {
              sort = sort === 'asc' ? 'desc' : 'asc';
              $('#identity-sort').value = sort;
              render();
            },
          },
          'Created ',
          h('span', { 'aria-hidden': 'true' }, sort === 'asc' ? '▲' : '▼'),
        ),
      ),
    ),
  );
  const rows = list.slice(0, MAX_ROWS).map((identity) => {
    const id = spec.id(identity);
    const isSelected = selected && selected.api === tab && selected.id === id;
    const [first, ...rest] = spec.columns;
    return h(
      'tr',
      {
        class: isSelected ? 'selected' : '',
        dataset: { id },
        onclick: (event) => {
          if (event.target.closest('button')) return;
          select(tab, id);
        },
      },
      h(
        'th',
        { scope: 'row', 'data-label': first[0] },
        h(
          'button',
          { type: 'button', class: 'link', 'aria-pressed': String(Boolean(isSelected)), onclick: () => select(tab, id) },
          first[1](identity) || '(no name)',
        ),
      ),
      rest.map(([label, get]) => h('td', { 'data-label': label }, get(identity) ?? '—')),
      h('td', { 'data-label': 'Created' }, timeEl(spec.created(identity), dateTime(spec.created(identity)))),
    );
  });
  // A refresh must not take the keyboard focus away from the row it was on.
  const focusedId = document.activeElement?.closest('#identities-table tbody tr')?.dataset.id;
  fill(table.tBodies[0], rows);
  if (focusedId) table.querySelector(`tbody tr[data-id="${CSS.escape(focusedId)}"] button`)?.focus();
  $('#identities-empty').hidden = list.length > 0;
  $('#identities-empty').textContent = query ? 'No identity matches the search.' : `No ${tab === 'letta' ? 'Letta' : 'orq'} identities in this namespace.`;
  const total = data[tab].identities.length;
  $('#identity-shown').textContent =
    list.length > MAX_ROWS
      ? `showing ${MAX_ROWS} of ${list.length} matches; refine the search`
      : query
        ? `${list.length} of ${total}`
        : '';
  renderDetail();
}

function select(api, id) {
  selected = { api, id };
  render();
  const panel = $('#identity-detail');
  if (window.matchMedia('(max-width: 900px)').matches) panel.scrollIntoView({ block: 'start' });
  panel.querySelector('h2')?.focus();
}

function renderDetail() {
  const panel = $('#identity-detail');
  const identity = selected && data[selected.api].identities.find((i) => API[selected.api].id(i) === selected.id);
  if (!selected || selected.api !== tab || !identity) {
    fill(panel, h('p', { class: 'muted' }, selected && selected.api === tab ? 'That identity is gone.' : 'Choose an identity to see its exact JSON.'));
    return;
  }
  const spec = API[selected.api];
  const parts = [
    h('div', { class: 'detail-head' },
      h('h2', { tabindex: '-1' }, spec.title(identity)),
      h('button', { type: 'button', class: 'danger', onclick: () => remove(selected.api, identity) }, 'Delete'),
    ),
    h('p', { class: 'mono muted' }, spec.id(identity)),
  ];
  if (selected.api === 'letta') parts.push(linked(identity));
  parts.push(h('h3', {}, 'JSON'), h('pre', { class: 'json', tabindex: '0' }, pretty(identity)));
  fill(panel, parts);
}

/** The agents and blocks linked to a Letta identity (by its lists or by theirs). */
function linked(identity) {
  const agentIds = new Set(identity.agent_ids || []);
  for (const agent of data.letta.agents || []) if ((agent.identity_ids || []).includes(identity.id)) agentIds.add(agent.id);
  const blockIds = new Set(identity.block_ids || []);
  const byId = (list) => new Map((list || []).map((item) => [item.id, item]));
  const agents = byId(data.letta.agents);
  const blocks = byId(data.letta.blocks);
  const item = (id, known, label) =>
    h('li', {},
      known
        ? h('details', {}, h('summary', {}, h('strong', {}, label(known)), ' ', h('span', { class: 'mono muted' }, id)), h('pre', { class: 'json' }, pretty(known)))
        : h('span', { class: 'mono' }, id, h('span', { class: 'muted' }, ' (not in this namespace)')),
    );
  return h('div', { class: 'linked' },
    h('h3', {}, `Agents (${agentIds.size})`),
    agentIds.size
      ? h('ul', { class: 'links' }, [...agentIds].map((id) => item(id, agents.get(id), (a) => a.name || 'agent')))
      : h('p', { class: 'muted' }, 'No linked agents.'),
    h('h3', {}, `Blocks (${blockIds.size})`),
    blockIds.size
      ? h('ul', { class: 'links' }, [...blockIds].map((id) => item(id, blocks.get(id), (b) => `${b.label || 'block'}: ${String(b.value ?? '').slice(0, 60)}`)))
      : h('p', { class: 'muted' }, 'No linked blocks.'),
  );
}

async function remove(api, identity) {
  const spec = API[api];
  const answer = await confirmAction({
    title: 'Delete this identity?',
    text: `${spec.title(identity)} (${spec.id(identity)}) goes from namespace “${app.namespace}”, through the ${api === 'letta' ? 'Letta' : 'orq'} API (the journal shows the request).`,
    ok: 'Delete',
  });
  if (!answer) return;
  try {
    await deleteIdentity(api, spec.id(identity), app.namespace);
    toast(`Deleted ${spec.title(identity)}`);
  } catch (error) {
    const hint = error.status === 401 || error.status === 403
      ? ' (this server checks API keys, so the page cannot delete through the API: delete it from your app, or Reset the namespace)'
      : '';
    toast(`Could not delete: ${error.message}${hint}`, 'error');
  }
  app.refresh('state');
}

async function resetNamespace() {
  const namespace = app.namespace;
  const answer = await confirmAction({
    title: `Reset namespace “${namespace}”?`,
    text: 'Everything created, changed or deleted in it since it started is lost: it goes back to the fixtures.',
    ok: 'Reset',
    option: 'Empty it instead (no fixtures)',
  });
  if (!answer) return;
  try {
    await admin(`/reset?namespace=${encodeURIComponent(namespace)}${answer.option ? '&empty=true' : ''}`, { method: 'POST' });
    toast(`Namespace “${namespace}” reset${answer.option ? ' to empty' : ' to the fixtures'}`);
  } catch (error) {
    toast(`Could not reset: ${error.message}`, 'error');
  }
  app.refresh('state');
  app.refresh('namespaces');
}
