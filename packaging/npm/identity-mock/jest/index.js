// Jest globalSetup and globalTeardown: one identity-mock server for the whole run, its URL in
// process.env.IDENTITY_MOCK_URL for every test worker, stopped at the end.
//
//   // jest.config.js
//   export default {
//     globalSetup: 'identity-mock/jest/global-setup',
//     globalTeardown: 'identity-mock/jest/global-teardown',
//   };
//
// With options, write a setup file of your own: `export default createGlobalSetup({ seed: 7 })`.
// With IDENTITY_MOCK_URL already set, the tests use that server and none is started.

import { URL_VARIABLE, startIdentityMock } from '../index.js';

// Jest runs globalSetup and globalTeardown in one context: this is how the second finds the server.
const KEY = Symbol.for('identity-mock.jest.server');

export function createGlobalSetup(options = {}) {
  return async function globalSetup() {
    if (process.env[URL_VARIABLE]) return;
    const mock = await startIdentityMock(options);
    globalThis[KEY] = mock;
    // Workers are started after globalSetup and inherit this environment.
    process.env[URL_VARIABLE] = mock.url;
  };
}

export const globalSetup = createGlobalSetup();

export async function globalTeardown() {
  const mock = globalThis[KEY];
  if (!mock) return;
  delete globalThis[KEY];
  delete process.env[URL_VARIABLE];
  await mock.stop();
}
