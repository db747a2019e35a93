// The admin token: a server started with --admin-token makes the page ask for it; a wrong one is
// refused, the right one is kept for the tab (sessionStorage) and the live journal works with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, openPage, ready, screenshot, serverAndBrowser } from './helpers.mjs';

const TOKEN = 'ui-test-token-1234';
const env = serverAndBrowser(['--admin-token', TOKEN]);

test('the page asks for the admin token, refuses a wrong one and keeps the right one for the tab', async () => {
  // The page is served without the token (it holds no data); the admin API is not.
  const pageResponse = await fetch(`${env.server.url}/__admin/ui/`);
  assert.equal(pageResponse.status, 200);
  assert.equal((await call(env.server.url, 'GET', '/__admin/state')).status, 401);

  // Each 401 before the token is given is expected: the browser logs it as a failed resource.
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/`, {
    allowed: [/Failed to load resource: the server responded with a status of 401/],
  });
  await page.waitForSelector('#token-dialog[open]');
  assert.match(await page.textContent('#token-note'), /--admin-token/);
  await screenshot(page, 'token-prompt-1280');

  // Escape, even twice, does not dismiss it: nothing works without the token. Chromium closes
  // the dialog on the second Escape anyway, and the page reopens it from the `close` event, which
  // comes a task later: wait for it rather than look at once.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page
    .waitForSelector('#token-dialog[open]', { timeout: 2000 })
    .catch(() => assert.fail('Escape closed the prompt for good'));

  await page.fill('#token-input', 'not-the-token');
  await page.press('#token-input', 'Enter');
  await page.waitForFunction(() => /refused/.test(document.querySelector('#token-note').textContent));
  assert.ok(await page.$('#token-dialog[open]'), 'still asking');

  await page.fill('#token-input', TOKEN);
  await page.click('#token-dialog button[type=submit]');
  await ready(page);
  await page.waitForSelector('#token-dialog', { state: 'hidden' });
  await page.waitForSelector('#identities-table tbody tr');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('identity-mock.admin-token')), TOKEN);

  // The stream (read with fetch, as an EventSource cannot send the token) is live.
  await page.click('nav a[data-view=requests]');
  await page.waitForSelector('#live[data-status=live]');
  await call(env.server.url, 'POST', '/v1/identities/', { body: { identifier_key: 'ui-token', name: 'Token Tom', identity_type: 'user' } });
  await page.waitForSelector('#requests-table tbody tr.req:has-text("/v1/identities/")', { timeout: 3000 });

  // A reload in the same tab does not ask again.
  await page.reload();
  await ready(page);
  assert.ok(!(await page.$('#token-dialog[open]')), 'no prompt after a reload');
  assertNoErrors(errors);
  await page.close();
});

test('a new tab asks again: the token is kept per tab, not stored for the site', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/`, {
    allowed: [/Failed to load resource: the server responded with a status of 401/],
  });
  await page.waitForSelector('#token-dialog[open]');
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await page.fill('#token-input', TOKEN);
  await page.press('#token-input', 'Enter');
  await ready(page);
  assertNoErrors(errors);
  await page.close();
});
