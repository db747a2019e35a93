export { globalTeardown as default } from './index.js';
