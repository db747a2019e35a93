// Faults: one added through the form changes the next API request's answer and goes when removed;
// one added through the admin API is listed; Remove all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, openPage, ready, screenshot, serverAndBrowser } from './helpers.mjs';

const env = serverAndBrowser();

const faultRows = (page) => page.$$eval('#faults-table tbody tr', (rows) => rows.map((r) => r.textContent));

test('a fault added through the form answers the next request, and removing it restores the real answer', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#faults`);
  await ready(page);
  await page.waitForSelector('#faults-empty:not([hidden])');

  const form = page.locator('#fault-form');
  await form.getByLabel('Method').selectOption('GET');
  await form.getByLabel('Path pattern').fill('/v1/identities*');
  await form.getByLabel('Status').fill('503');
  await form.getByLabel('Body').fill('{"detail": "ui fault"}');
  await form.getByLabel('from').fill('5');
  await form.getByLabel('to').fill('20');
  await form.getByRole('button', { name: 'Add fault' }).click();
  await page.waitForSelector('#faults-table tbody tr');
  const [listed] = await faultRows(page);
  for (const part of ['GET', '/v1/identities*', 'answer 503', 'delay 5–20 ms', '∞']) assert.ok(listed.includes(part), `${part} in ${listed}`);
  const { json } = await call(env.server.url, 'GET', '/__admin/faults');
  assert.deepEqual(
    { method: json.faults[0].method, path: json.faults[0].path, status: json.faults[0].status, body: json.faults[0].body, delay_ms: json.faults[0].delay_ms },
    { method: 'GET', path: '/v1/identities*', status: 503, body: { detail: 'ui fault' }, delay_ms: { min: 5, max: 20 } },
  );
  assert.equal(await page.getAttribute('nav a[data-view=faults]', 'data-badge'), '1');
  await screenshot(page, 'faults-1280');

  const faulted = await call(env.server.url, 'GET', '/v1/identities/');
  assert.equal(faulted.status, 503);
  assert.deepEqual(faulted.json, { detail: 'ui fault' });
  assert.equal((await call(env.server.url, 'POST', '/v1/identities/', { body: { identifier_key: 'f', name: 'F', identity_type: 'user' } })).status, 200, 'a POST is spared');

  await page.getByRole('button', { name: `Remove fault ${json.faults[0].id}` }).click();
  await page.waitForSelector('#faults-empty:not([hidden])');
  assert.equal((await call(env.server.url, 'GET', '/v1/identities/')).status, 200);
  assertNoErrors(errors);
  await page.close();
});

test('a fault added through the admin API is listed, with its times left, and Remove all clears them', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#faults`);
  await ready(page);
  const added = await call(env.server.url, 'POST', '/__admin/faults', {
    body: { method: 'DELETE', path: '/v2/identities/*', namespace: 'ui-faults', drop_connection: true, times: 3 },
  });
  assert.equal(added.status, 201, added.text);
  await call(env.server.url, 'POST', '/__admin/faults', { body: { path: '/v1/agents*', status: 500 } });
  await page.waitForFunction(() => document.querySelectorAll('#faults-table tbody tr').length === 2, null, { timeout: 3000 });
  const rows = await faultRows(page);
  for (const part of ['DELETE', '/v2/identities/*', 'ui-faults', 'drop the connection', '3']) assert.ok(rows[0].includes(part), `${part} in ${rows[0]}`);

  await page.click('#faults-clear');
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForSelector('#faults-empty:not([hidden])');
  assert.deepEqual((await call(env.server.url, 'GET', '/__admin/faults')).json.faults, []);
  assertNoErrors(errors);
  await page.close();
});
