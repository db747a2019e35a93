import type { StartOptions } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The base URL of the identity-mock server the global setup started. */
    identityMockUrl: string;
  }
}

type GlobalSetup = (project: { provide(key: 'identityMockUrl', value: string): void }) => Promise<() => Promise<void>>;

/** A globalSetup that starts the server with these options. */
export declare function createGlobalSetup(options?: StartOptions): GlobalSetup;
declare const setup: GlobalSetup;
export default setup;
