// Type-checks the package's TypeScript declarations as a TypeScript user meets them (`npm run typecheck`).

import { AdminError, connectIdentityMock, startIdentityMock, type IdentityMock, type RecordedRequest } from 'identity-mock';
import { globalSetup, globalTeardown } from 'identity-mock/jest';
import vitestSetup, { createGlobalSetup } from 'identity-mock/vitest';
import { inject } from 'vitest';

export async function typed(): Promise<void> {
  const url: string = inject('identityMockUrl');
  const mock: IdentityMock = await startIdentityMock({ seed: 7, orqApi: 'v1', apiKeys: ['k'] });
  const other = await connectIdentityMock(url);
  const entries: RecordedRequest[] = await mock.requests({ method: 'POST', status: 201 });
  const ns = mock.namespace();
  const id: number = await ns.addFault({ path: '/v2/*', status: 503 });
  await mock.removeFault(id);
  try {
    await mock.loadFixtures({});
  } catch (error) {
    if (error instanceof AdminError) console.log(error.status, error.problems.length);
  }
  await Promise.all([other.stop(), mock.stop(), globalSetup(), globalTeardown()]);
  void entries;
  void vitestSetup;
  void createGlobalSetup({ empty: true });
}
