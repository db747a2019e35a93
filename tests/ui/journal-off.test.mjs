// A server without a journal (--journal-size 0): the page says so under Requests, and Identities
// still follows changes (by reading the state every second instead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, openPage, ready, serverAndBrowser } from './helpers.mjs';

const env = serverAndBrowser(['--journal-size', '0']);

test('with the journal off the page says so and Identities still updates within 3 s', async () => {
  // The stream's 409 ("the journal is off") is the server's answer the page expects here.
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/#requests`, {
    allowed: [/Failed to load resource: the server responded with a status of 409/],
  });
  await ready(page);
  await page.waitForSelector('#live[data-status=off]');
  assert.match(await page.textContent('#requests-empty'), /--journal-size 0/);
  assert.ok(await page.isVisible('#requests-empty'));

  await page.click('nav a[data-view=identities]');
  await page.waitForSelector('#identities-table tbody tr');
  const created = await call(env.server.url, 'POST', '/v1/identities/', { body: { identifier_key: 'ui-off', name: 'Quiet Quinn', identity_type: 'user' } });
  assert.equal(created.status, 200);
  await page.waitForSelector(`#identities-table tbody tr[data-id="${created.json.id}"]`, { timeout: 3000 });
  assertNoErrors(errors);
  await page.close();
});
