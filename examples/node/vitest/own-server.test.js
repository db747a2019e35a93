// A server of the test's own, for snapshot tests: with a seed and a frozen clock, the same requests
// give the same bytes on every run.
import { startIdentityMock } from 'identity-mock';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';

let mock;
beforeAll(async () => {
  mock = await startIdentityMock({ empty: true, seed: 7, clock: 'fixed:2025-01-01T00:00:00Z' });
});
afterAll(() => mock.stop());

async function createOne(url) {
  const response = await fetch(`${url}/v2/identities`, {
    method: 'POST',
    headers: { authorization: 'Bearer snapshot', 'content-type': 'application/json' },
    body: JSON.stringify({ external_id: 'cust-1', display_name: 'First' }),
  });
  return { status: response.status, body: await response.json() };
}

test('a seeded server answers the same bytes every time', async () => {
  const first = await createOne(mock.url);
  expect(first.status).toBe(201);
  expect(first.body.identity.created).toBe('2025-01-01T00:00:00.000Z');
  await mock.reset();
  const twin = await startIdentityMock({ empty: true, seed: 7, clock: 'fixed:2025-01-01T00:00:00Z' });
  try {
    expect(await createOne(twin.url)).toEqual(first);
  } finally {
    await twin.stop();
  }
});

test('the shared server is another one', () => {
  expect(inject('identityMockUrl')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(inject('identityMockUrl')).not.toBe(mock.url);
});
