import type { StartOptions } from '../index.js';

/** A globalSetup that starts the server with these options and sets IDENTITY_MOCK_URL. */
export declare function createGlobalSetup(options?: StartOptions): () => Promise<void>;
export declare function globalSetup(): Promise<void>;
export declare function globalTeardown(): Promise<void>;
