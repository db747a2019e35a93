export { globalSetup as default } from './index.js';
