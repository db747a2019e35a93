// Makes docs/admin-ui.png, the README's picture of the admin page: the Identities view at
// 1280×800 with a Letta identity open, after a few requests. Not a test (run.sh does not run it);
// run it by hand after the page changes how it looks:
//   IDENTITY_MOCK_BIN=target/release/identity-mock node tests/ui/docs-screenshot.mjs
// then, when pngquant is there, `pngquant --force --output docs/admin-ui.png 64 docs/admin-ui.png`.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, launchBrowser, openPage, ready, startServer } from './helpers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2] || join(ROOT, 'docs/admin-ui.png');
const server = await startServer();
const browser = await launchBrowser();
try {
  await call(server.url, 'POST', '/v1/identities/', {
    body: { identifier_key: 'user-dana', name: 'Dana Developer', identity_type: 'user', properties: [{ key: 'plan', value: 'pro', type: 'string' }] },
  });
  await call(server.url, 'POST', '/__admin/faults', { body: { method: 'GET', path: '/v2/identities*', status: 503, times: 2 } });
  const { page } = await openPage(browser.context, `${server.url}/__admin/ui/`, { viewport: { width: 1280, height: 800 } });
  await ready(page);
  await page.waitForSelector('#live[data-status=live]');
  const alice = (await call(server.url, 'GET', '/__admin/state?namespace=default')).json.letta.identities.find((i) => i.identifier_key === 'user-alice');
  await page.click(`#identities-table tbody tr[data-id="${alice.id}"] button`);
  await page.waitForSelector('#identity-detail > pre.json');
  await page.evaluate(() => document.activeElement?.blur());
  await page.mouse.move(1270, 790);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
