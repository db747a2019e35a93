// Requests: the live journal (a request made after the page opened shows up within 3 s), newest
// first, with time, api, operation and headers; a row opens to the request and the response;
// copy as curl; the filters; the page's own admin calls are not journaled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, openPage, ready, screenshot, serverAndBrowser } from './helpers.mjs';

const env = serverAndBrowser([], async ({ server, browser }) => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
});

const rowFor = (seq) => `#requests-table tbody tr.req[data-seq="${seq}"]`;

async function lastEntry() {
  const { json } = await call(env.server.url, 'GET', '/__admin/requests?limit=1');
  return json.requests[0];
}

test('the live journal shows a request made after the page opened, newest first, and opens it', async () => {
  await call(env.server.url, 'GET', '/v1/identities/?limit=1');
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#requests`);
  await ready(page);
  await page.waitForSelector('#live[data-status=live]');
  await page.waitForSelector('#requests-table tbody tr.req');

  const created = await call(env.server.url, 'POST', '/v1/identities/', {
    headers: { 'X-Mock-Namespace': 'ui-requests' },
    body: { identifier_key: 'ui-journal', name: 'Journal Jo', identity_type: 'user', properties: [{ key: 'k', value: 'v', type: 'string' }] },
  });
  assert.equal(created.status, 200);
  const entry = await lastEntry();
  assert.equal(entry.path, '/v1/identities/');
  await page.waitForSelector(rowFor(entry.seq), { timeout: 3000 });

  // Newest first: the new row is the first.
  assert.equal(await page.getAttribute('#requests-table tbody tr.req', 'data-seq'), String(entry.seq));
  const row = page.locator(rowFor(entry.seq));
  const text = await row.textContent();
  for (const part of ['POST', '/v1/identities/', '200', 'letta', 'identities.create', 'ui-requests']) {
    assert.ok(text.includes(part), `the row shows ${part}: ${text}`);
  }
  assert.equal(await row.locator('time').getAttribute('datetime'), entry.time);

  // Open it: headers, both bodies pretty-printed, time, api and operation.
  await row.locator('button.expand').click();
  assert.equal(await row.locator('button.expand').getAttribute('aria-expanded'), 'true');
  const detail = page.locator(`#request-${entry.seq}`);
  await detail.waitFor();
  const detailText = await detail.textContent();
  assert.ok(detailText.includes('x-mock-namespace') && detailText.includes('content-type'), 'request headers shown');
  assert.ok(detailText.includes(entry.time), 'the exact time');
  assert.ok(detailText.includes('identities.create'));
  const bodies = await detail.locator('pre.json').allTextContents();
  assert.deepEqual(JSON.parse(bodies[0]), entry.request_json);
  assert.equal(bodies[0], JSON.stringify(entry.request_json, null, 2), 'the request body pretty-printed');
  assert.deepEqual(JSON.parse(bodies[1]), entry.response_json);
  await screenshot(page, 'requests-1280');

  // Copy as curl.
  await detail.getByRole('button', { name: 'Copy as curl' }).click();
  const curl = await page.evaluate(async () => {
    try {
      return await navigator.clipboard.readText();
    } catch {
      return document.querySelector('.copy-fallback')?.value || '';
    }
  });
  assert.match(curl, /^curl -X POST '/);
  assert.ok(curl.includes(`${env.server.url}/v1/identities/`), curl);
  assert.ok(curl.includes("-H 'x-mock-namespace: ui-requests'"), curl);
  assert.ok(curl.includes('--data-raw') && curl.includes('ui-journal'), curl);

  // A second click closes it.
  await row.locator('button.expand').click();
  await detail.waitFor({ state: 'hidden' });
  assertNoErrors(errors);
  await page.close();
});

test('filters by API, method, path, status and namespace, also for requests arriving live', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#requests`);
  await ready(page);
  await page.waitForSelector('#live[data-status=live]');
  const visiblePaths = () => page.$$eval('#requests-table tbody tr.req', (rows) => rows.map((r) => `${r.cells[1].textContent} ${r.cells[2].textContent} ${r.cells[3].textContent} ${r.cells[5].textContent}`));

  await page.selectOption('#request-filters select[name=method]', 'GET');
  await call(env.server.url, 'POST', '/v2/identities', {
    headers: { Authorization: 'Bearer ui-filter', 'X-Mock-Namespace': 'ui-filters' },
    body: { external_id: 'ui-filter-1', display_name: 'Filter Fay' },
  });
  await call(env.server.url, 'GET', '/v2/identities/ui-filter-1', { headers: { Authorization: 'Bearer ui-filter', 'X-Mock-Namespace': 'ui-filters' } });
  const get = await lastEntry();
  await page.waitForSelector(rowFor(get.seq), { timeout: 3000 });
  for (const line of await visiblePaths()) assert.match(line, /^GET /, 'only GET requests are shown');

  await page.selectOption('#request-filters select[name=method]', '');
  await page.selectOption('#request-filters select[name=api]', 'orq');
  await page.fill('#request-filters input[name=namespace]', 'ui-filters');
  const shown = await visiblePaths();
  assert.equal(shown.length, 2, shown.join('\n'));
  for (const line of shown) assert.ok(line.includes('/v2/identities') && line.endsWith('ui-filters'), line);

  await page.fill('#request-filters input[name=status]', '201');
  assert.deepEqual((await visiblePaths()).map((l) => l.split(' ')[0]), ['POST']);
  await page.fill('#request-filters input[name=status]', '2xx');
  assert.equal((await visiblePaths()).length, 2);
  await page.fill('#request-filters input[name=status]', '');
  await page.fill('#request-filters input[name=path]', '/v2/identities/*');
  assert.deepEqual((await visiblePaths()).map((l) => l.split(' ')[0]), ['GET']);
  await page.fill('#request-filters input[name=path]', '/nothing/*');
  await page.waitForSelector('#requests-empty:not([hidden])');
  await screenshot(page, 'requests-filtered-1280');

  // The page's own admin calls are not in the journal.
  const { json } = await call(env.server.url, 'GET', '/__admin/requests');
  assert.ok(json.requests.every((entry) => !entry.path.startsWith('/__admin')), 'no admin call journaled');
  assertNoErrors(errors);
  await page.close();
});

test('under steady traffic the journal keeps every request and Identities still updates', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#identities`);
  await ready(page);
  await page.waitForSelector('#live[data-status=live]');
  const before = (await lastEntry()).seq;

  // Requests back to back for 2.5 s (a bounded loop on loopback); one create early on.
  let created = null;
  let sent = 0;
  const until = Date.now() + 2500;
  let shownAt = null;
  const watch = page
    .waitForSelector('#identities-table tbody th:has-text("Busy Bea")', { timeout: 5000 })
    .then(() => {
      shownAt = Date.now();
    });
  while (Date.now() < until) {
    if (sent === 20) {
      created = await call(env.server.url, 'POST', '/v1/identities/', { body: { identifier_key: 'ui-busy', name: 'Busy Bea', identity_type: 'user' } });
      created.at = Date.now();
    } else {
      await call(env.server.url, 'GET', '/v1/identities/?limit=1');
    }
    sent += 1;
  }
  await watch;
  assert.ok(shownAt - created.at < 3000, `shown ${shownAt - created.at} ms after the create, during the traffic`);

  await page.click('nav a[data-view=requests]');
  await page.waitForFunction((n) => document.querySelectorAll('#requests-table tbody tr.req').length >= Math.min(n, 300), sent);
  const seqs = await page.$$eval('#requests-table tbody tr.req', (rows) => rows.map((r) => Number(r.dataset.seq)));
  const expected = Array.from({ length: Math.min(sent, 300) }, (_, i) => before + sent - i);
  assert.deepEqual(seqs.slice(0, expected.length), expected, 'every request, newest first, none lost or repeated');
  assertNoErrors(errors);
  await page.close();
});
