// Small DOM helpers: every element is built with createElement and text nodes, never from HTML
// strings, so nothing that the server stores (names, bodies, headers) can inject markup.

/** h('button', {type: 'button', onclick}, 'text', child, …): an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** JSON, indented, for a <pre>. */
export function pretty(value) {
  return JSON.stringify(value, null, 2);
}

/** A body for display: pretty JSON when it parses, the text as it is otherwise. */
export function prettyBody(text, parsed) {
  if (parsed !== undefined && parsed !== null) return pretty(parsed);
  if (!text) return '';
  try {
    return pretty(JSON.parse(text));
  } catch {
    return text;
  }
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** "14:03:07.123" in local time, from an RFC 3339 text. */
export function clockTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso || '';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** "2026-01-15 04:13" in local time. */
export function dateTime(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return iso || '—';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A <time> element showing `text`, with the exact instant as its machine-readable value. */
export function timeEl(iso, text) {
  return h('time', { datetime: iso || '', title: iso || '' }, text);
}

/** "3 s ago", "5 min ago", for the last use of a namespace. */
export function ago(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 2000) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

/**
 * Calls `fn` at most once per `ms`: the first call of a burst schedules it `ms` later, and the
 * calls until then join that one. Unlike a debounce, steady traffic cannot starve it.
 */
export function throttle(fn, ms) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

/** `*` matches any run of characters, as the server's filters do; without `*`, a substring. */
export function pathMatches(pattern, path) {
  if (!pattern) return true;
  if (!pattern.includes('*')) return path.includes(pattern);
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(path);
}

/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  const item = h('p', { class: `toast-item ${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 3500);
}

/**
 * Asks before something that loses data. Resolves to null when cancelled, else to
 * {option: <the checkbox's state>} (the checkbox shows when `option` names it).
 */
export function confirmAction({ title, text, ok = 'OK', option = '' }) {
  const dialog = document.getElementById('confirm-dialog');
  dialog.querySelector('#confirm-title').textContent = title;
  dialog.querySelector('#confirm-text').textContent = text;
  dialog.querySelector('#confirm-ok').textContent = ok;
  const optionLabel = dialog.querySelector('#confirm-option');
  const checkbox = dialog.querySelector('#confirm-empty');
  optionLabel.hidden = !option;
  optionLabel.querySelector('span').textContent = option;
  checkbox.checked = false;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'ok' ? { option: checkbox.checked } : null),
      { once: true },
    );
    dialog.showModal();
  });
}
