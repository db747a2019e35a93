// The Fixtures action: a bad document shows every problem the server reports and loads nothing; a
// good one (pasted, or from a file) loads into the chosen namespace; the state downloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoErrors, call, openPage, ready, screenshot, serverAndBrowser } from './helpers.mjs';

const env = serverAndBrowser();

const BAD = JSON.stringify({
  letta: { identities: [{ name: 1 }] },
  orq: { identities: [{ display_name: 'no external id' }] },
  bogus: true,
});

test('a bad fixtures document shows every problem the server reports, and loads nothing', async () => {
  // The 400 answer is what the test provokes: the browser logs it as a failed resource.
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/?namespace=ui-fixtures`, {
    allowed: [/Failed to load resource: the server responded with a status of 400/],
  });
  await ready(page);
  const expected = (await call(env.server.url, 'POST', '/__admin/fixtures?namespace=ui-fixtures-probe', { body: BAD })).json;
  assert.ok(expected.problems.length >= 3, JSON.stringify(expected));

  await page.click('#fixtures-open');
  await page.waitForSelector('#fixtures-dialog[open]');
  assert.equal(await page.textContent('#fixtures-title .ns-name'), 'ui-fixtures');
  await page.fill('#fixtures-text', BAD);
  await page.click('#fixtures-load');
  await page.waitForSelector('#fixtures-result .problems li');
  assert.deepEqual(await page.$$eval('#fixtures-result .problems li', (items) => items.map((li) => li.textContent)), expected.problems);
  assert.match(await page.textContent('#fixtures-result'), new RegExp(`${expected.problems.length} problems`));
  await screenshot(page, 'fixtures-problems-1280');
  const { json } = await call(env.server.url, 'GET', '/__admin/namespaces');
  assert.ok(!json.namespaces.some((ns) => ns.name === 'ui-fixtures' && ns.own_data), 'nothing loaded');
  assertNoErrors(errors);
  await page.close();
});

test('a good document from a file loads into the chosen namespace and shows up; the state downloads', async () => {
  const { page, errors } = await openPage(env.browser.context, `${env.server.url}/__admin/ui/?namespace=ui-fixtures-good`);
  await ready(page);
  const dir = await mkdtemp(join(tmpdir(), 'identity-mock-ui-fixtures-'));
  const file = join(dir, 'people.json');
  await writeFile(file, JSON.stringify({ letta: { identities: [{ identifier_key: 'ui-fiona', name: 'Fixture Fiona', identity_type: 'user' }] } }));

  await page.click('#fixtures-open');
  await page.setInputFiles('#fixtures-file', file);
  await page.waitForFunction(() => document.querySelector('#fixtures-text').value.includes('Fixture Fiona'));
  await page.click('#fixtures-load');
  await page.waitForSelector('#fixtures-result .ok');
  assert.match(await page.textContent('#fixtures-result'), /Loaded into “ui-fixtures-good”: 1 letta identities/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#fixtures-download')]);
  assert.equal(download.suggestedFilename(), 'identity-mock-ui-fixtures-good.json');
  const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.ok(saved.letta.identities.some((i) => i.name === 'Fixture Fiona'), 'the download has the loaded identity');

  await page.click('#fixtures-close');
  await page.waitForSelector('#identities-table tbody th:has-text("Fixture Fiona")', { timeout: 3000 });
  assertNoErrors(errors);
  await page.close();
});
