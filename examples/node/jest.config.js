export default {
  // One identity-mock server for the run; tests find it in process.env.IDENTITY_MOCK_URL.
  globalSetup: 'identity-mock/jest/global-setup',
  globalTeardown: 'identity-mock/jest/global-teardown',
  testMatch: ['<rootDir>/jest/**/*.test.js'],
  transform: {},
};
