// Layout and semantics: the nav's four items, every view without horizontal scrolling at 1280×800
// and on a 390 px phone (with the widest content open), dark mode, labels on every control, and
// the keyboard. Saves a screenshot of each view at each size.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoErrors, call, horizontalOverflow, launchBrowser, openPage, ready, screenshot, startServer } from './helpers.mjs';

let server;
let browser;
let dark;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dark = await launchBrowser({ colorScheme: 'dark' });
  // Long values, a fault and a second namespace, so that every view has something wide to show.
  await call(server.url, 'POST', '/v1/identities/', {
    headers: { 'X-Mock-Namespace': 'a-rather-long-namespace-name-for-the-phone' },
    body: {
      identifier_key: 'user-with-a-very-long-identifier-key-that-does-not-break-by-itself-0123456789',
      name: 'Maximilian Alexander Wolfeschlegelsteinhausenbergerdorff',
      identity_type: 'user',
      properties: [{ key: 'url', value: `https://example.com/${'x'.repeat(200)}`, type: 'string' }],
    },
  });
  await call(server.url, 'POST', '/__admin/faults', {
    body: { path: '/v1/identities/some/really/long/path/pattern/that/goes/on/*', status: 503, body: { detail: 'y'.repeat(120) }, times: 5 },
  });
});

after(async () => {
  await browser?.close();
  await dark?.close();
  await server?.stop();
});

const VIEWS = ['identities', 'requests', 'faults', 'namespaces'];

async function openWidest(page, view) {
  if (view === 'identities') {
    await page.click('#identities-table tbody tr button.link');
    await page.waitForSelector('#identity-detail > pre.json');
  }
  if (view === 'requests') {
    await page.waitForSelector('#requests-table tbody tr.req');
    await page.click('#requests-table tbody tr.req button.expand');
    await page.waitForSelector('#requests-table tr.req-detail:not([hidden]) pre');
  }
}

for (const [label, viewport] of [
  ['1280', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test(`every view fits ${viewport.width} px without horizontal scrolling`, async () => {
    const { page, errors } = await openPage(browser.context, null, { viewport });
    await page.goto(`${server.url}/__admin/ui/?namespace=a-rather-long-namespace-name-for-the-phone#identities`);
    await ready(page);
    await page.waitForSelector('#identities-table tbody tr');
    for (const view of VIEWS) {
      await page.click(`nav a[data-view=${view}]`);
      await page.waitForSelector(`#view-${view}:not([hidden])`);
      await page.waitForTimeout(150);
      await openWidest(page, view);
      assert.ok((await horizontalOverflow(page)) <= 0, `${view} scrolls sideways at ${viewport.width} px by ${await horizontalOverflow(page)} px`);
      await screenshot(page, `${view}-${label}`);
    }
    await page.click('#fixtures-open');
    assert.ok((await horizontalOverflow(page)) <= 0, 'the Fixtures dialog fits');
    await screenshot(page, `fixtures-${label}`);
    await page.keyboard.press('Escape');
    assertNoErrors(errors);
    await page.close();
  });
}

test('dark mode follows the system', async () => {
  const { page, errors } = await openPage(dark.context, `${server.url}/__admin/ui/`);
  await ready(page);
  await page.waitForSelector('#identities-table tbody tr');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = background.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 120, `a dark background: ${background}`);
  await openWidest(page, 'identities');
  await screenshot(page, 'identities-1280-dark');
  await page.click('nav a[data-view=requests]');
  await openWidest(page, 'requests');
  await screenshot(page, 'requests-1280-dark');
  assertNoErrors(errors);
  await page.close();
});

test('served from the binary: /__admin/ui redirects, files have their types, the page loads nothing from elsewhere', async () => {
  const redirect = await fetch(`${server.url}/__admin/ui`, { redirect: 'manual' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get('location'), '/__admin/ui/');
  for (const [file, type] of [['', 'text/html'], ['app.js', 'text/javascript'], ['style.css', 'text/css'], ['favicon.svg', 'image/svg+xml']]) {
    const response = await fetch(`${server.url}/__admin/ui/${file}`);
    assert.equal(response.status, 200, file);
    assert.ok(response.headers.get('content-type').startsWith(type), `${file}: ${response.headers.get('content-type')}`);
  }
  const { page, errors } = await openPage(browser.context, null);
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  await page.goto(`${server.url}/__admin/ui`);
  await ready(page);
  assert.equal(new URL(page.url()).pathname, '/__admin/ui/');
  const foreign = urls.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
  assert.deepEqual(foreign, [], 'no CDN, no other host');
  assert.ok(urls.some((url) => url.endsWith('/__admin/ui/app.js')), 'the modules load');
  assertNoErrors(errors);
  await page.close();
});

test('opened as localhost rather than 127.0.0.1, its own writes are same-origin and go through', async () => {
  const local = server.url.replace('127.0.0.1', 'localhost');
  const { page, errors } = await openPage(browser.context, `${local}/__admin/ui/#faults`);
  await ready(page);
  const form = page.locator('#fault-form');
  await form.getByLabel('Path pattern').fill('/ui-localhost/*');
  await form.getByLabel('Status').fill('418');
  await form.getByRole('button', { name: 'Add fault' }).click();
  await page.waitForSelector('#faults-table tbody tr:has-text("/ui-localhost/*")');
  const { json } = await call(server.url, 'GET', '/__admin/faults');
  const added = json.faults.find((f) => f.path === '/ui-localhost/*');
  assert.ok(added, 'the fault reached the server');
  await call(server.url, 'DELETE', `/__admin/faults/${added.id}`);
  assertNoErrors(errors);
  await page.close();
});

test('semantic HTML: the nav has exactly the four items, controls have labels, tables have headers', async () => {
  const { page, errors } = await openPage(browser.context, `${server.url}/__admin/ui/`);
  await ready(page);
  await page.waitForSelector('#identities-table tbody tr');
  assert.deepEqual(await page.$$eval('nav a', (links) => links.map((a) => a.textContent.trim())), ['Identities', 'Requests', 'Faults', 'Namespaces']);
  assert.equal(await page.inputValue('#ns-input'), 'default');
  assert.equal(await page.$eval('#ns-input', (input) => input.labels[0].textContent), 'Namespace');
  const unlabelled = await page.$$eval('input, select, textarea', (controls) =>
    controls.filter((c) => c.type !== 'hidden' && !c.labels?.length && !c.getAttribute('aria-label')).map((c) => c.outerHTML),
  );
  assert.deepEqual(unlabelled, []);
  const unnamedButtons = await page.$$eval('button', (buttons) => buttons.filter((b) => !(b.textContent.trim() || b.getAttribute('aria-label'))).map((b) => b.outerHTML));
  assert.deepEqual(unnamedButtons, []);
  for (const table of await page.$$('table')) assert.ok(await table.$('thead th'), 'every table has column headers');
  assert.equal(await page.$$eval('h1', (headings) => headings.filter((h) => h.offsetParent).length), 1, 'one visible h1');
  assertNoErrors(errors);
  await page.close();
});

test('keyboard: the nav, the tabs, a row and the confirmation dialog work without a mouse', async () => {
  const { page, errors } = await openPage(browser.context, `${server.url}/__admin/ui/`);
  await ready(page);
  await page.waitForSelector('#identities-table tbody tr');

  // Tab from the top reaches the skip link, then the nav.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to content');
  await page.focus('nav a[data-view=requests]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#view-requests:not([hidden])');
  assert.equal(await page.getAttribute('nav a[data-view=requests]', 'aria-current'), 'page');
  await page.focus('nav a[data-view=identities]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#view-identities:not([hidden])');

  // Arrow keys move between the API tabs.
  await page.focus('#tab-letta');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-orq');
  assert.equal(await page.getAttribute('#tab-orq', 'aria-selected'), 'true');
  await page.keyboard.press('ArrowLeft');

  // Enter on a row's button opens its detail and moves the focus there.
  await page.focus('#identities-table tbody tr button.link');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#identity-detail > pre.json');
  assert.equal(await page.evaluate(() => document.activeElement.closest('#identity-detail') !== null), true);

  // The reset dialog opens with Cancel focused; Enter there cancels.
  await page.focus('#reset-ns');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#confirm-dialog[open]');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'cancel');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
  assertNoErrors(errors);
  await page.close();
});
