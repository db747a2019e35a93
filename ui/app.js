// The admin page: one namespace chosen at a time, four views, and one live journal stream that
// keeps them all current.
import { admin, followJournal } from './api.js';
import { $, $$, throttle, toast } from './dom.js';
import * as identities from './identities.js';
import * as requests from './requests.js';
import * as faults from './faults.js';
import * as namespaces from './namespaces.js';
import * as fixtures from './fixtures.js';

const NS_KEY = 'identity-mock.namespace';
const VIEWS = { identities, requests, faults, namespaces };

/** What every view reads. */
export const app = {
  namespace: readNamespace(),
  view: 'identities',
  /** Refresh one kind of data now-ish ('state', 'faults', 'namespaces'). */
  refresh: (kind) => refreshers[kind]?.(),
  setNamespace,
};

function readNamespace() {
  const fromUrl = new URLSearchParams(location.search).get('namespace');
  if (fromUrl) return fromUrl;
  try {
    return sessionStorage.getItem(NS_KEY) || 'default';
  } catch {
    return 'default';
  }
}

function setNamespace(name) {
  name = (name || '').trim() || 'default';
  $('#ns-input').value = name;
  if (name === app.namespace) return;
  app.namespace = name;
  try {
    sessionStorage.setItem(NS_KEY, name);
  } catch {
    /* fine */
  }
  for (const el of $$('.ns-name')) el.textContent = name;
  // Keep the address in step, so that a reload or a shared link shows the same namespace.
  const url = new URL(location.href);
  if (url.searchParams.has('namespace') || name !== 'default') {
    url.searchParams.set('namespace', name);
    history.replaceState(null, '', url);
  }
  identities.namespaceChanged();
  app.refresh('state');
  app.refresh('namespaces');
}

// Each refresher coalesces a burst of calls into one request (at most one per `wait` ms, so steady
// traffic cannot starve it), and never runs two at once.
function refresher(load, wait) {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await load();
    } catch (error) {
      if (error?.status) toast(`Could not refresh: ${error.message}`, 'error');
    } finally {
      running = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  return throttle(run, wait);
}

const refreshers = {
  state: refresher(() => identities.load(), 40),
  faults: refresher(() => faults.load(), 100),
  namespaces: refresher(() => namespaces.load(), 150),
};

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function onEntry(entry) {
  requests.add(entry);
  if (entry.namespace === app.namespace && WRITES.has(entry.method) && entry.status < 400) app.refresh('state');
  app.refresh('namespaces');
  if (faults.hasFaults() || app.view === 'faults') app.refresh('faults');
}

function showView() {
  const name = location.hash.replace(/^#\/?/, '').split(/[?/]/)[0];
  const view = VIEWS[name] ? name : 'identities';
  app.view = view;
  for (const section of $$('main > .view')) section.hidden = section.id !== `view-${view}`;
  for (const link of $$('nav a[data-view]')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${view[0].toUpperCase()}${view.slice(1)} · identity-mock`;
  VIEWS[view].shown?.();
}

const liveText = { live: '● live', reconnecting: '○ reconnecting…', polling: '◐ polling', off: 'journal off' };
let journalOff = false;

async function start() {
  for (const el of $$('.ns-name')) el.textContent = app.namespace;
  $('#ns-input').value = app.namespace;
  $('#ns-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setNamespace($('#ns-input').value);
  });
  $('#ns-input').addEventListener('change', () => setNamespace($('#ns-input').value));

  for (const view of Object.values(VIEWS)) view.init(app);
  fixtures.init(app);

  window.addEventListener('hashchange', () => {
    showView();
    $('main').focus({ preventScroll: true });
  });
  showView();

  // Asks for the token first when the server wants one.
  await admin('/health');
  app.refresh('state');
  app.refresh('faults');
  app.refresh('namespaces');

  const since = await requests.loadInitial();
  const live = $('#live');
  followJournal({
    since,
    onEntry,
    onRestart: () => {
      requests.reset();
      app.refresh('state');
      app.refresh('faults');
      app.refresh('namespaces');
    },
    onStatus: (status) => {
      live.textContent = liveText[status] || status;
      live.dataset.status = status;
      journalOff = status === 'off';
      if (journalOff) requests.journalOff();
    },
  });

  // A light fallback for changes the journal does not show (admin calls from other tools); every
  // second when there is no journal to follow.
  let tick = 0;
  setInterval(() => {
    tick += 1;
    if (document.visibilityState !== 'visible' || (!journalOff && tick % 2)) return;
    if (app.view === 'identities') app.refresh('state');
    if (app.view === 'faults') app.refresh('faults');
    if (app.view === 'namespaces') app.refresh('namespaces');
  }, 1000);
  document.body.dataset.ready = 'true';
}

start().catch((error) => toast(`The page could not start: ${error.message}`, 'error'));
