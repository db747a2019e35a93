// A server restarted on the same port (as `cargo run` does while you work): the page notices that
// the stream ended, reconnects, starts the journal over and shows the new server's requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, launchBrowser, openPage, ready, startServer } from './helpers.mjs';

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('after a restart on the same port the page reconnects and shows the new journal', async () => {
  server = await startServer();
  const port = new URL(server.url).port;
  for (let i = 0; i < 5; i += 1) await call(server.url, 'GET', `/v1/identities/?limit=${i + 1}`);

  // While the server is down the browser logs the refused connections: expected here.
  const { page, errors } = await openPage(browser.context, `${server.url}/__admin/ui/#requests`, {
    allowed: [/Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)/, /ERR_EMPTY_RESPONSE/],
  });
  await ready(page);
  await page.waitForSelector('#live[data-status=live]');
  await page.waitForFunction(() => document.querySelectorAll('#requests-table tbody tr.req').length === 5);

  await server.stop();
  await page.waitForSelector('#live[data-status=reconnecting]', { timeout: 5000 });
  server = await startServer(['--port', port]);
  await page.waitForSelector('#live[data-status=live]', { timeout: 10_000 });
  await call(server.url, 'POST', '/v1/identities/', { body: { identifier_key: 'ui-restart', name: 'Restart Rae', identity_type: 'user' } });
  await page.waitForSelector('#requests-table tbody tr.req[data-seq="1"]:has-text("POST")', { timeout: 3000 });
  assert.equal(await page.$$eval('#requests-table tbody tr.req', (rows) => rows.length), 1, 'the old server\'s requests are gone');
  await page.click('nav a[data-view=identities]');
  await page.waitForSelector('#identities-table tbody th:has-text("Restart Rae")', { timeout: 3000 });
  assertNoErrors(errors);
  await page.close();
});
