// A Vitest globalSetup: one identity-mock server for the whole run, its URL provided to the tests
// as `identityMockUrl` (read it with `inject('identityMockUrl')`), stopped at the end.
//
//   // vitest.config.js
//   export default { test: { globalSetup: ['identity-mock/vitest'] } };
//
// With options, write a setup file of your own: `export default createGlobalSetup({ seed: 7 })`.
// With IDENTITY_MOCK_URL set, the tests use that server and none is started.

import { URL_VARIABLE, connectIdentityMock, startIdentityMock } from './index.js';

export function createGlobalSetup(options = {}) {
  return async function setup(project) {
    const external = process.env[URL_VARIABLE];
    const mock = external
      ? await connectIdentityMock(external, { adminToken: options.adminToken })
      : await startIdentityMock(options);
    project.provide('identityMockUrl', mock.url);
    return () => mock.stop();
  };
}

export default createGlobalSetup();
