// Namespaces: one used by a request is listed with its counts and last use; it opens under
// Identities through the picker; reset and remove.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, openPage, ready, screenshot, serverAndBrowser } from './helpers.mjs';

const env = serverAndBrowser();

test('a namespace used by a request is listed with its counts, opens under Identities, resets and goes', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#namespaces`);
  await ready(page);
  await page.waitForSelector('#namespaces-table tbody tr[data-name=default]');
  const fixtures = (await call(env.server.url, 'GET', '/__admin/state?namespace=default')).json;
  const letta = fixtures.letta.identities.length;

  const created = await call(env.server.url, 'POST', '/v1/identities/', {
    headers: { 'X-Mock-Namespace': 'ui-team-a' },
    body: { identifier_key: 'ui-ns', name: 'Namespace Nia', identity_type: 'user' },
  });
  assert.equal(created.status, 200);
  const row = page.locator('#namespaces-table tbody tr[data-name=ui-team-a]');
  await row.waitFor({ timeout: 3000 });
  assert.equal(await row.locator('td').nth(0).textContent(), String(letta + 1));
  assert.equal(await row.locator('td').nth(1).textContent(), String(fixtures.orq.identities.length));
  assert.match(await row.locator('td').nth(3).textContent(), /just now|s ago/);
  await screenshot(page, 'namespaces-1280');

  // Its name opens it: the picker changes and Identities shows its data.
  await row.getByRole('button', { name: 'ui-team-a', exact: true }).click();
  await page.waitForSelector('#view-identities:not([hidden])');
  assert.equal(await page.inputValue('#ns-input'), 'ui-team-a');
  await page.waitForSelector(`#identities-table tbody tr[data-id="${created.json.id}"]`);
  assert.equal(await page.textContent('#identities-title .ns-name'), 'ui-team-a');

  // The picker: typing a namespace's name shows that one.
  await page.fill('#ns-input', 'default');
  await page.press('#ns-input', 'Enter');
  await page.waitForSelector(`#identities-table tbody tr[data-id="${created.json.id}"]`, { state: 'detached' });

  // Reset: its own data goes (the server may then list it no more, as it reads the fixtures again).
  await page.click('nav a[data-view=namespaces]');
  await row.getByRole('button', { name: 'Reset ui-team-a' }).click();
  await page.click('#confirm-ok');
  await page.waitForFunction(
    (n) => {
      const cell = document.querySelector('#namespaces-table tbody tr[data-name=ui-team-a] td');
      return !cell || cell.textContent === String(n);
    },
    letta,
    { timeout: 3000 },
  );
  const reset = (await call(env.server.url, 'GET', '/__admin/state?namespace=ui-team-a')).json;
  assert.ok(!reset.letta.identities.some((i) => i.id === created.json.id), 'the created identity went with the reset');

  // Remove another one.
  await call(env.server.url, 'GET', '/v1/identities/', { headers: { 'X-Mock-Namespace': 'ui-team-b' } });
  await call(env.server.url, 'POST', '/v1/identities/', {
    headers: { 'X-Mock-Namespace': 'ui-team-b' },
    body: { identifier_key: 'ui-ns-b', name: 'B', identity_type: 'user' },
  });
  const other = page.locator('#namespaces-table tbody tr[data-name=ui-team-b]');
  await other.waitFor({ timeout: 3000 });
  await other.getByRole('button', { name: 'Remove ui-team-b' }).click();
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await other.waitFor({ state: 'detached' });
  const { json } = await call(env.server.url, 'GET', '/__admin/namespaces');
  assert.ok(!json.namespaces.some((ns) => ns.name === 'ui-team-b'));
  assertNoErrors(errors);
  await page.close();
});
