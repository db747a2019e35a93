// @letta-ai/letta-client against the server of identity-mock/vitest, one namespace per test.
import Letta from '@letta-ai/letta-client';
import { connectIdentityMock } from 'identity-mock';
import { afterEach, beforeEach, expect, inject, test } from 'vitest';

const mock = await connectIdentityMock(inject('identityMockUrl'));
let namespace;
let letta;

beforeEach(() => {
  namespace = mock.namespace(); // a fresh, uniquely named namespace, starting from the fixtures
  letta = new Letta({ baseURL: mock.url, apiKey: 'unused', defaultHeaders: namespace.headers, maxRetries: 0 });
});
afterEach(() => namespace.reset());

test('create, then find it in the list', async () => {
  const ada = await letta.identities.create({ identifier_key: 'user-ada', name: 'Ada', identity_type: 'user' });
  expect(ada.id).toMatch(/^identity-/);
  const page = await letta.identities.list({ identifier_key: 'user-ada' });
  expect(page.items.map((identity) => identity.id)).toEqual([ada.id]);
});

// Both tests create the same identity: without a namespace each, one of them would get 409.
test.each(['first', 'second'])('each test starts from the fixtures (%s)', async (run) => {
  expect((await letta.identities.list()).items).toHaveLength(5);
  await letta.identities.create({ identifier_key: 'user-shared', name: `Shared (${run})`, identity_type: 'user' });
  expect((await letta.identities.list()).items).toHaveLength(6);
});

test('a fault, then recovery', async () => {
  await namespace.addFault({ method: 'POST', path: '/v1/identities/', status: 503, times: 1 });
  await expect(
    letta.identities.create({ identifier_key: 'user-retry', name: 'Retry', identity_type: 'user' }),
  ).rejects.toMatchObject({ status: 503 });
  const retried = await letta.identities.create({ identifier_key: 'user-retry', name: 'Retry', identity_type: 'user' });
  expect(retried.identifier_key).toBe('user-retry');
});

test('the journal shows what the SDK sent', async () => {
  await letta.identities.create({ identifier_key: 'user-journal', name: 'Journal', identity_type: 'org' });
  const [post] = await namespace.requests({ method: 'POST' });
  expect([post.path, post.status]).toEqual(['/v1/identities/', 200]);
  expect(JSON.parse(post.request_body)).toMatchObject({ identifier_key: 'user-journal' });
});
