// Identities: the bundled fixtures shown, the exact JSON in the detail panel with linked agents and
// blocks, an identity created through the API appearing without a reload, search, sorting,
// delete through the page, and Reset after a confirmation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, openPage, ready, screenshot, serverAndBrowser } from './helpers.mjs';

const env = serverAndBrowser();

const rowNames = (page) => page.$$eval('#identities-table tbody th', (cells) => cells.map((c) => c.textContent.trim()));

async function state(namespace = 'default') {
  const { json } = await call(env.server.url, 'GET', `/__admin/state?namespace=${namespace}`);
  return json;
}

test('shows the bundled fixtures: every Letta and orq identity, and the exact JSON of one', async () => {
  const fixtures = await state();
  assert.ok(fixtures.letta.identities.length >= 5, 'the bundled fixtures have Letta identities');
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/`);
  await ready(page);
  await page.waitForFunction((n) => document.querySelectorAll('#identities-table tbody tr').length === n, fixtures.letta.identities.length);
  assert.deepEqual(
    (await rowNames(page)).sort(),
    fixtures.letta.identities.map((i) => i.name).sort(),
  );
  assert.equal(await page.textContent('#count-letta'), String(fixtures.letta.identities.length));
  assert.equal(await page.textContent('#count-orq'), String(fixtures.orq.identities.length));

  // The detail panel: the identity exactly as the state has it, with its agents and blocks.
  const alice = fixtures.letta.identities.find((i) => i.agent_ids.length && i.block_ids.length);
  await page.click(`#identities-table tbody tr[data-id="${alice.id}"] button`);
  await page.waitForSelector('#identity-detail > pre.json');
  assert.deepEqual(JSON.parse(await page.textContent('#identity-detail > pre.json')), alice);
  const linked = await page.textContent('#identity-detail .linked');
  for (const agentId of alice.agent_ids) {
    const agent = fixtures.letta.agents.find((a) => a.id === agentId);
    assert.ok(linked.includes(agent.name), `agent ${agent.name} is listed under ${alice.name}`);
  }
  for (const blockId of alice.block_ids) assert.ok(linked.includes(blockId), `block ${blockId} is listed`);
  assert.ok(linked.includes(`Agents (${alice.agent_ids.length})`));
  await screenshot(page, 'identities-1280');

  // The orq tab.
  await page.click('#tab-orq');
  assert.equal(await page.getAttribute('#tab-orq', 'aria-selected'), 'true');
  await page.waitForFunction((n) => document.querySelectorAll('#identities-table tbody tr').length === n, fixtures.orq.identities.length);
  assert.deepEqual((await rowNames(page)).sort(), fixtures.orq.identities.map((i) => i.display_name).sort());
  const ada = fixtures.orq.identities[0];
  await page.click(`#identities-table tbody tr[data-id="${ada._id}"] button`);
  assert.deepEqual(JSON.parse(await page.textContent('#identity-detail > pre.json')), ada);
  await screenshot(page, 'identities-orq-1280');
  assertNoErrors(errors);
  await page.close();
});

test('an identity created through the API shows up within 3 s without a reload; search and sort find it', async (t) => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/`);
  await ready(page);
  await page.waitForSelector('#identities-table tbody tr');
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  const created = await call(env.server.url, 'POST', '/v1/identities/', {
    body: { identifier_key: 'ui-test-live', name: 'Live Lena', identity_type: 'user' },
  });
  assert.equal(created.status, 200, created.text);
  const started = Date.now();
  await page.waitForSelector(`#identities-table tbody tr[data-id="${created.json.id}"]`, { timeout: 3000 });
  const waited = Date.now() - started;
  assert.ok(await page.evaluate(() => window.notReloaded), 'the page was not reloaded');
  assert.ok(waited < 3000, `shown after ${waited} ms`);
  t.diagnostic(`the new identity showed ${waited} ms after the API answered`);

  // Newest first: the new one is on top; oldest first puts it last.
  assert.equal((await rowNames(page))[0], 'Live Lena');
  await page.click('#identities-table thead button.sort');
  assert.equal(await page.inputValue('#identity-sort'), 'asc');
  assert.equal((await rowNames(page)).at(-1), 'Live Lena');
  await page.selectOption('#identity-sort', 'desc');
  assert.equal((await rowNames(page))[0], 'Live Lena');

  // Search narrows the list; a search for nothing says so.
  await page.fill('#identity-search', 'ui-test-live');
  await page.waitForFunction(() => document.querySelectorAll('#identities-table tbody tr').length === 1);
  assert.deepEqual(await rowNames(page), ['Live Lena']);
  await page.fill('#identity-search', 'no such identity anywhere');
  await page.waitForSelector('#identities-empty:not([hidden])');
  await page.fill('#identity-search', '');
  assertNoErrors(errors);
  await page.close();
});

test('deleting an orq identity from its detail panel asks first, then removes it', async () => {
  const created = await call(env.server.url, 'POST', '/v2/identities', {
    headers: { Authorization: 'Bearer ui-test-key', 'X-Mock-Namespace': 'default' },
    body: { external_id: 'ui-delete-me', display_name: 'Delete Dora' },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.identity._id;
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/`);
  await ready(page);
  await page.click('#tab-orq');
  await page.click(`#identities-table tbody tr[data-id="${id}"] button`);
  await page.click('#identity-detail button.danger');
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-dialog button[value=cancel]');
  assert.ok(await page.$(`#identities-table tbody tr[data-id="${id}"]`), 'cancel keeps it');
  await page.click('#identity-detail button.danger');
  await page.click('#confirm-ok');
  await page.waitForSelector(`#identities-table tbody tr[data-id="${id}"]`, { state: 'detached', timeout: 3000 });
  assert.ok(!(await state()).orq.identities.some((i) => i._id === id), 'gone from the server too');
  assertNoErrors(errors);
  await page.close();
});

test('Reset, after a confirmation, removes what the test created', async () => {
  const created = await call(env.server.url, 'POST', '/v1/identities/', {
    body: { identifier_key: 'ui-test-reset', name: 'Reset Rita', identity_type: 'user' },
  });
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/`);
  await ready(page);
  const row = `#identities-table tbody tr[data-id="${created.json.id}"]`;
  await page.waitForSelector(row);

  await page.click('#reset-ns');
  await page.waitForSelector('#confirm-dialog[open]');
  assert.match(await page.textContent('#confirm-title'), /Reset namespace “default”/);
  await screenshot(page, 'identities-reset-confirm');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
  assert.ok(await page.$(row), 'Escape cancels');
  assert.ok((await state()).letta.identities.some((i) => i.id === created.json.id));

  await page.click('#reset-ns');
  await page.click('#confirm-ok');
  await page.waitForSelector(row, { state: 'detached', timeout: 3000 });
  const after = await state();
  assert.ok(!after.letta.identities.some((i) => i.identifier_key.startsWith('ui-test')), 'the created identities are gone');
  assert.equal(await page.textContent('#count-letta'), String(after.letta.identities.length));
  assertNoErrors(errors);
  await page.close();
});
