export default {
  test: {
    // One identity-mock server for the run; tests read its URL with inject('identityMockUrl').
    globalSetup: ['identity-mock/vitest'],
    include: ['vitest/**/*.test.js'],
  },
};
