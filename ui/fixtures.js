// The Fixtures action: load a fixtures document (pasted or from a file) into the chosen namespace,
// showing every problem the server finds; download the current state.
import { admin } from './api.js';
import { $, fill, h, toast } from './dom.js';

let app;

export function init(appState) {
  app = appState;
  const dialog = $('#fixtures-dialog');
  $('#fixtures-open').addEventListener('click', () => {
    fill($('#fixtures-result'));
    dialog.showModal();
    $('#fixtures-text').focus();
  });
  $('#fixtures-close').addEventListener('click', () => dialog.close());
  $('#fixtures-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (file) $('#fixtures-text').value = await file.text();
  });
  $('#fixtures-form').addEventListener('submit', load);
  $('#fixtures-download').addEventListener('click', () => download(true));
  $('#fixtures-download-all').addEventListener('click', () => download(false));
}

async function load(event) {
  event.preventDefault();
  const result = $('#fixtures-result');
  const text = $('#fixtures-text').value;
  if (!text.trim()) {
    fill(result, h('p', { class: 'form-error' }, 'Paste a fixtures document or choose a file first.'));
    return;
  }
  const namespace = app.namespace;
  try {
    const summary = await admin(`/fixtures?namespace=${encodeURIComponent(namespace)}`, { method: 'POST', body: text });
    const counts = Object.entries(summary.loaded || {})
      .filter(([, value]) => typeof value === 'number')
      .map(([key, value]) => `${value} ${key.replace(/_/g, ' ')}`)
      .join(', ');
    fill(result, h('p', { class: 'ok' }, `Loaded into “${summary.namespace || namespace}”${counts ? `: ${counts}` : ''}.`));
    toast('Fixtures loaded');
    app.refresh('state');
    app.refresh('namespaces');
  } catch (error) {
    const problems = error.problems || [];
    fill(
      result,
      h('div', { class: 'problems', role: 'alert' },
        h('p', { class: 'form-error' }, problems.length ? `Nothing was loaded: ${problems.length} problem${problems.length === 1 ? '' : 's'}.` : `Nothing was loaded: ${error.message}`),
        problems.length ? h('ul', {}, problems.map((problem) => h('li', { class: 'mono' }, problem))) : '',
      ),
    );
  }
}

async function download(oneNamespace) {
  const namespace = app.namespace;
  try {
    const text = await admin(oneNamespace ? `/state?namespace=${encodeURIComponent(namespace)}` : '/state', { raw: true });
    let pretty = text;
    try {
      pretty = `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    } catch {
      /* keep it as sent */
    }
    const url = URL.createObjectURL(new Blob([pretty], { type: 'application/json' }));
    const link = h('a', { href: url, download: oneNamespace ? `identity-mock-${namespace}.json` : 'identity-mock-state.json' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    toast(`Could not download: ${error.message}`, 'error');
  }
}
