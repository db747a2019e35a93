// @orq-ai/node under Jest: identity-mock/jest/global-setup started the server and put its URL in
// process.env.IDENTITY_MOCK_URL.
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Orq } from '@orq-ai/node';
import { connectIdentityMock } from 'identity-mock';

const mock = await connectIdentityMock(process.env.IDENTITY_MOCK_URL);
let namespace;
let orq;

beforeEach(() => {
  namespace = mock.namespace();
  orq = new Orq({ apiKey: namespace.apiKey, serverURL: mock.url });
});
afterEach(() => namespace.reset());

test('create, then list by tag', async () => {
  await orq.identities.create({ externalId: 'cust-mary', displayName: 'Mary Jackson', tags: ['nasa'] });
  const page = await orq.identities.list({ filterByTags: ['nasa'] });
  expect(page.data.map((identity) => identity.externalId)).toEqual(['cust-mary']);
});

test('a duplicate external_id is a 409, and the journal has both', async () => {
  await orq.identities.create({ externalId: 'cust-twice' });
  await expect(orq.identities.create({ externalId: 'cust-twice' })).rejects.toMatchObject({ statusCode: 409 });
  const statuses = (await namespace.requests({ method: 'POST' })).map((entry) => entry.status);
  expect(statuses).toEqual([201, 409]);
});
