// Unit tests of the package's own logic, with node:test. tests/packages.sh runs them with
// IDENTITY_MOCK_BINARY naming the binary that went into the packages.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import {
  AdminError,
  IdentityMockError,
  StartupError,
  binaryPath,
  connectIdentityMock,
  platformPackage,
  serverArgs,
  startIdentityMock,
} from '../index.js';
import { createGlobalSetup as createJestSetup, globalTeardown as jestTeardown } from '../jest/index.js';
import vitestSetup from '../vitest.js';

if (!process.env.IDENTITY_MOCK_BINARY) {
  throw new Error('set IDENTITY_MOCK_BINARY to an identity-mock binary (tests/packages.sh does)');
}

const tempDirs = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function fakeBinary(script) {
  const dir = mkdtempSync(join(tmpdir(), 'identity-mock-fake-'));
  tempDirs.push(dir);
  const path = join(dir, 'identity-mock');
  writeFileSync(path, `#!/bin/sh\n${script}`);
  chmodSync(path, 0o755);
  return path;
}

function withBinary(value, fn) {
  const saved = process.env.IDENTITY_MOCK_BINARY;
  if (value === undefined) delete process.env.IDENTITY_MOCK_BINARY;
  else process.env.IDENTITY_MOCK_BINARY = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.IDENTITY_MOCK_BINARY;
    else process.env.IDENTITY_MOCK_BINARY = saved;
  }
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('platform package names follow platform, cpu and libc', () => {
  assert.equal(platformPackage({ platform: 'linux', arch: 'x64', libc: 'gnu' }), '@identity-mock/linux-x64-gnu');
  assert.equal(platformPackage({ platform: 'linux', arch: 'arm64', libc: 'musl' }), '@identity-mock/linux-arm64-musl');
  assert.equal(platformPackage({ platform: 'darwin', arch: 'arm64', libc: null }), '@identity-mock/darwin-arm64');
  assert.match(platformPackage(), /^@identity-mock\/[a-z0-9]+-[a-z0-9]+(-gnu|-musl)?$/);
});

test('binaryPath honours IDENTITY_MOCK_BINARY, and says what is missing', () => {
  const fake = fakeBinary('exit 0\n');
  withBinary(fake, () => assert.equal(binaryPath(), fake));
  withBinary('/nowhere/identity-mock', () =>
    assert.throws(binaryPath, { name: 'IdentityMockError', message: /IDENTITY_MOCK_BINARY=\/nowhere\/identity-mock is not a file/ }));
  // In the source tree no platform package is installed.
  withBinary(undefined, () =>
    assert.throws(binaryPath, (error) => error instanceof IdentityMockError && error.message.includes(platformPackage())));
});

test('options become command-line arguments', () => {
  assert.deepEqual(
    serverArgs({ empty: true, seed: 7, clock: 'fixed:2025-01-01T00:00:00Z', orqApi: 'v1', apiKeys: ['a', 'b'], adminToken: 't', extraArgs: ['--journal-size', '5'] }),
    ['--host', '127.0.0.1', '--port', '0', '--empty', '--seed', '7', '--clock', 'fixed:2025-01-01T00:00:00Z',
      '--orq-api', 'v1', '--api-key', 'a', '--api-key', 'b', '--admin-token', 't', '--journal-size', '5'],
  );
  assert.deepEqual(serverArgs({ fixtures: 'f.json' }).slice(-2), ['--fixtures', 'f.json']);
  assert.throws(() => serverArgs({ fixtures: 'f.json', empty: true }), IdentityMockError);
  assert.throws(() => serverArgs({ fixtures: { letta: {} } }), /loadFixtures/);
});

test('an early exit rejects with the exit status and the output', async () => {
  const binary = fakeBinary('echo "identity-mock: invalid fixtures" >&2\nexit 3\n');
  await assert.rejects(startIdentityMock({ binary }), (error) => {
    assert.ok(error instanceof StartupError);
    assert.equal(error.exitCode, 3);
    assert.match(error.output, /invalid fixtures/);
    assert.match(error.message, /exited with status 3 before it listened/);
    return true;
  });
});

test('a server that never listens is killed after the timeout', async () => {
  const binary = fakeBinary('echo warming up\nexec sleep 30\n');
  const started = Date.now();
  await assert.rejects(startIdentityMock({ binary, startupTimeoutMs: 300 }), (error) => {
    assert.ok(error instanceof StartupError);
    assert.match(error.message, /did not start listening within 300 ms/);
    assert.match(error.output, /warming up/);
    return true;
  });
  assert.ok(Date.now() - started < 5000);
});

test('a binary that cannot run is a StartupError', async () => {
  await assert.rejects(startIdentityMock({ binary: '/nowhere/identity-mock' }), StartupError);
});

test('the real server: start, admin API, errors, stop', async () => {
  const mock = await startIdentityMock({ seed: 1 });
  try {
    assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const namespace = mock.namespace('unit');
    const count = async (headers = {}) => (await fetch(`${mock.url}/v1/identities/count`, { headers })).json();
    assert.equal(await count(namespace.headers), 5);
    await namespace.loadFixtures({ letta: { identities: [{ identifier_key: 'k', name: 'N', identity_type: 'user' }] } });
    assert.equal(await count(namespace.headers), 6);
    assert.equal(await count(), 5, 'the default namespace is untouched');
    assert.deepEqual((await namespace.requests()).map((e) => e.status), [200, 200]);
    const [entry] = await namespace.requests({ api: 'letta', operation: 'identities.count', header: ['x-mock-namespace:unit', 'host'], limit: 1 });
    assert.equal(entry.response_json, 6);
    assert.equal(entry.request_headers['x-mock-namespace'], 'unit');
    assert.deepEqual(await namespace.requests({ header: 'x-mock-namespace:other' }), []);

    const id = await namespace.addFault({ path: '/v1/*', status: 503, times: 1 });
    assert.deepEqual((await mock.faults()).map((f) => [f.id, f.namespace]), [[id, 'unit']]);
    assert.equal((await fetch(`${mock.url}/v1/identities/count`)).status, 200, 'other namespaces are spared');
    assert.equal((await fetch(`${mock.url}/v1/identities/count`, { headers: namespace.headers })).status, 503);

    await assert.rejects(mock.removeFault(999), (error) => {
      assert.ok(error instanceof AdminError);
      assert.equal(error.status, 404);
      assert.equal(error.serverMessage, 'no fault 999');
      return true;
    });
    await assert.rejects(mock.loadFixtures({ letta: { identities: [{ identity_type: 'robot' }] } }), (error) => {
      assert.equal(error.status, 400);
      assert.equal(error.serverMessage, 'invalid fixtures');
      assert.ok(error.problems.some((problem) => problem.includes('"robot" is not one of')));
      return true;
    });

    assert.equal((await mock.state()).namespaces.unit.letta.identities.length, 6, 'a written namespace is in the state');
    await namespace.reset();
    assert.equal(await count(namespace.headers), 5);
    assert.equal(await mock.clearRequests(), 6);
    assert.ok(!('unit' in (await mock.state()).namespaces), 'a namespace back at the fixtures is not');
    const connected = await connectIdentityMock(`${mock.url}/`);
    await connected.stop();
    assert.equal((await mock.health()).status, 'ok', 'stopping a connected handle leaves the server running');
  } finally {
    await mock.stop();
  }
  await assert.rejects(mock.health(), /cannot reach identity-mock/);
});

test('connecting to nothing rejects', async () => {
  const port = await freePort();
  await assert.rejects(connectIdentityMock(`http://127.0.0.1:${port}`), {
    name: 'IdentityMockError',
    message: new RegExp(`cannot reach identity-mock at http://127.0.0.1:${port}`),
  });
});

test('the Vitest global setup provides the URL and stops the server', async () => {
  const provided = {};
  const teardown = await vitestSetup({ provide: (key, value) => { provided[key] = value; } });
  const url = provided.identityMockUrl;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await fetch(`${url}/__admin/health`)).status, 200);
  await teardown();
  await assert.rejects(fetch(`${url}/__admin/health`));
});

test('the Jest global setup sets IDENTITY_MOCK_URL, the teardown stops the server', async () => {
  delete process.env.IDENTITY_MOCK_URL;
  await createJestSetup({ empty: true })();
  const url = process.env.IDENTITY_MOCK_URL;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await (await fetch(`${url}/v1/identities/count`)).json(), 0);
  await jestTeardown();
  assert.equal(process.env.IDENTITY_MOCK_URL, undefined);
  await assert.rejects(fetch(`${url}/__admin/health`));

  // A URL set beforehand means a server someone else runs: nothing is started or stopped.
  process.env.IDENTITY_MOCK_URL = 'http://127.0.0.1:9';
  await createJestSetup()();
  await jestTeardown();
  assert.equal(process.env.IDENTITY_MOCK_URL, 'http://127.0.0.1:9');
  delete process.env.IDENTITY_MOCK_URL;
});
