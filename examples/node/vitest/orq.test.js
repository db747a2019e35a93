// @orq-ai/node against the server of identity-mock/vitest: a namespace's API key is its workspace.
import { Orq } from '@orq-ai/node';
import { connectIdentityMock } from 'identity-mock';
import { expect, inject, test } from 'vitest';

const mock = await connectIdentityMock(inject('identityMockUrl'));

test('create, retrieve, search', async () => {
  const namespace = mock.namespace();
  const orq = new Orq({ apiKey: namespace.apiKey, serverURL: mock.url });
  const created = await orq.identities.create({ externalId: 'cust-katherine', displayName: 'Katherine Johnson' });
  expect(created.result.identity.externalId).toBe('cust-katherine');
  expect((await orq.identities.retrieve({ id: 'cust-katherine' })).identity.displayName).toBe('Katherine Johnson');
  const page = await orq.identities.list({ search: 'johnson' });
  expect(page.data.map((identity) => identity.externalId)).toEqual(['cust-katherine']);
  await namespace.reset();
});

test('two API keys never see each other', async () => {
  const mine = mock.namespace();
  const theirs = mock.namespace();
  await new Orq({ apiKey: mine.apiKey, serverURL: mock.url }).identities.create({ externalId: 'cust-private' });
  const stranger = new Orq({ apiKey: theirs.apiKey, serverURL: mock.url });
  await expect(stranger.identities.retrieve({ id: 'cust-private' })).rejects.toMatchObject({ statusCode: 404 });
  await Promise.all([mine.reset(), theirs.reset()]);
});
