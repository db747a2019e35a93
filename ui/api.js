// Talking to the server: the admin API (with the admin token when the server wants one), the
// vendor APIs for deleting one identity, and the live journal stream.

const TOKEN_KEY = 'identity-mock.admin-token';

export function adminToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function setAdminToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage off: the token lives as long as the page */
  }
  memoryToken = token;
}

let memoryToken = adminToken();

/** An error from the server: its message and, for fixtures, every problem. */
export class ApiError extends Error {
  constructor(status, body) {
    const message = (body && (body.error || body.detail || body.message)) || `HTTP ${status}`;
    super(typeof message === 'string' ? message : JSON.stringify(message));
    this.status = status;
    this.body = body;
    this.problems = Array.isArray(body?.problems) ? body.problems : [];
  }
}

// One token prompt at a time: every call that got 401 waits for the same answer.
let pendingPrompt = null;

function askToken(refused) {
  if (!pendingPrompt) {
    pendingPrompt = new Promise((resolve) => {
      const dialog = document.getElementById('token-dialog');
      const form = dialog.querySelector('form');
      const input = dialog.querySelector('#token-input');
      const note = dialog.querySelector('#token-note');
      note.textContent = refused
        ? 'The server refused that token. Try again.'
        : 'This server was started with --admin-token. Enter the token to continue; it is kept for this tab only.';
      note.classList.toggle('error', refused);
      input.value = '';
      // Escape does not dismiss it: without the token nothing works. (Chromium lets a second
      // Escape close a dialog whose cancel was refused, so a close without a token reopens it.)
      let given = false;
      const stay = (event) => event.preventDefault();
      const reopen = () => {
        if (!given) dialog.showModal();
      };
      const done = (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        given = true;
        form.removeEventListener('submit', done);
        dialog.removeEventListener('cancel', stay);
        dialog.removeEventListener('close', reopen);
        dialog.close();
        setAdminToken(token);
        pendingPrompt = null;
        resolve(token);
      };
      form.addEventListener('submit', done);
      dialog.addEventListener('cancel', stay);
      dialog.addEventListener('close', reopen);
      if (!dialog.open) dialog.showModal();
      input.focus();
    });
  }
  return pendingPrompt;
}

/** fetch() for /__admin paths: adds the token, asks for it on 401 and tries again. */
export async function adminFetch(path, options = {}) {
  let refused = false;
  for (;;) {
    const headers = new Headers(options.headers || {});
    if (memoryToken) headers.set('X-Admin-Token', memoryToken);
    const response = await fetch(path, { ...options, headers, cache: 'no-store' });
    if (response.status !== 401) return response;
    await response.body?.cancel().catch(() => {});
    await askToken(refused || Boolean(memoryToken));
    refused = true;
  }
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}

/** An admin call answering JSON; throws ApiError on a non-2xx status. */
export async function admin(path, { method = 'GET', body, raw } = {}) {
  const options = { method };
  if (body !== undefined) {
    options.body = typeof body === 'string' ? body : JSON.stringify(body);
    options.headers = { 'Content-Type': 'application/json' };
  }
  const response = await adminFetch(`/__admin${path}`, options);
  if (raw && response.ok) return response.text();
  const data = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Deletes one identity through its vendor's API (so it is journaled like any client's call). */
export async function deleteIdentity(api, id, namespace) {
  const headers = { 'X-Mock-Namespace': namespace, Accept: 'application/json' };
  let path;
  if (api === 'letta') {
    path = `/v1/identities/${encodeURIComponent(id)}`;
  } else {
    path = `/v2/identities/${encodeURIComponent(id)}`;
    // orq wants an API key; any key does unless the server was started with --api-key.
    headers.Authorization = 'Bearer identity-mock-admin-ui';
  }
  const response = await fetch(path, { method: 'DELETE', headers });
  if (!response.ok) throw new ApiError(response.status, await readBody(response));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows GET /__admin/requests/stream from after `since`, with fetch() and a stream reader (an
 * EventSource cannot send the admin token). Calls onEntry for each journal entry and onStatus
 * with 'live', 'reconnecting' or 'polling'; reconnects with the last seq seen, so nothing is lost
 * or repeated. Falls back to polling /__admin/requests when the server has no stream.
 */
export async function followJournal({ since = 0, onEntry, onStatus, onRestart }) {
  let last = since;
  let delay = 500;
  let first = true;
  const seen = (entry) => {
    if (typeof entry.seq === 'number') {
      if (entry.seq <= last) return;
      last = entry.seq;
    }
    onEntry(entry);
  };
  for (;;) {
    if (!first) {
      // After a break the server may have restarted, its seq counting from 1 again: then start
      // over rather than wait for a seq it will not reach for a while.
      try {
        const newest = (await admin('/requests?limit=1')).requests?.[0]?.seq ?? 0;
        if (newest < last) {
          last = 0;
          onRestart?.();
        }
      } catch {
        /* still down: the stream request below fails too and waits */
      }
    }
    first = false;
    let response;
    try {
      response = await adminFetch(`/__admin/requests/stream?since=${last}`, {
        headers: { Accept: 'text/event-stream' },
      });
    } catch {
      onStatus('reconnecting');
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
      continue;
    }
    if (response.status === 409) {
      // The journal is off (--journal-size 0): nothing to follow.
      await response.body?.cancel().catch(() => {});
      onStatus('off');
      return;
    }
    if (response.status === 404 || response.status === 405) {
      await response.body?.cancel().catch(() => {});
      return pollJournal(() => last, seen, onStatus);
    }
    if (!response.ok || !response.body) {
      onStatus('reconnecting');
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
      continue;
    }
    onStatus('live');
    delay = 500;
    try {
      await readEvents(response.body, (event) => {
        if (event.event && event.event !== 'request') return;
        try {
          seen(JSON.parse(event.data));
        } catch {
          /* not an entry */
        }
      });
    } catch {
      /* the connection broke: reconnect below */
    }
    onStatus('reconnecting');
    await sleep(delay);
  }
}

/** Reads server-sent events from a byte stream: {id, event, data} for each. */
export async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    buffer = buffer.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { id: null, event: '', data: [] };
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'data') event.data.push(text);
        else if (field === 'event') event.event = text;
        else if (field === 'id') event.id = text;
      }
      if (event.data.length) onEvent({ ...event, data: event.data.join('\n') });
    }
  }
}

async function pollJournal(lastSeq, seen, onStatus) {
  onStatus('polling');
  for (;;) {
    try {
      const data = await admin('/requests?limit=200');
      for (const entry of data.requests || []) if (entry.seq > lastSeq()) seen(entry);
      onStatus('polling');
    } catch {
      onStatus('reconnecting');
    }
    await sleep(1000);
  }
}
