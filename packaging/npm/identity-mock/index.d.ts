/** The environment variable that names a binary to run instead of the platform package's. */
export declare const BINARY_VARIABLE: 'IDENTITY_MOCK_BINARY';
/** The environment variable through which the Jest setup (and users) name a running server. */
export declare const URL_VARIABLE: 'IDENTITY_MOCK_URL';

/** Options of `startIdentityMock`; each maps to a command-line option of the server. */
export interface StartOptions {
  /** A fixtures file or folder instead of the bundled fixtures (`--fixtures`). */
  fixtures?: string;
  /** Start with no data (`--empty`). */
  empty?: boolean;
  /** Seed for generated ids (`--seed`). */
  seed?: number;
  /** `real`, `fixed:RFC3339` or `step:RFC3339:MILLIS` (`--clock`). */
  clock?: string;
  /** The orq revision served by default (`--orq-api`). */
  orqApi?: 'current' | 'v1';
  /** Accept only these API keys (`--api-key`, repeated). */
  apiKeys?: string[];
  /** Protect the admin API with this token (`--admin-token`); the handle sends it. */
  adminToken?: string;
  /** Any other server options. */
  extraArgs?: string[];
  /** Address to listen on; default `127.0.0.1`. The port is always a free one. */
  host?: string;
  /** The binary to run; default `$IDENTITY_MOCK_BINARY` or the platform package's. */
  binary?: string;
  /** How long to wait for the server to listen; default 10000. */
  startupTimeoutMs?: number;
}

/** One request in the journal. */
export interface RecordedRequest {
  seq: number;
  /** When the server answered, by its clock (RFC 3339, milliseconds). */
  time: string;
  namespace: string;
  api: 'letta' | 'orq';
  /** e.g. `identities.create`; null for a redirect, 404 or 405. */
  operation: string | null;
  method: string;
  path: string;
  query: string;
  /** Names in lower case; credentials shortened to their scheme and last 4 characters. */
  request_headers: Record<string, string>;
  request_body: string;
  request_body_truncated: boolean;
  /** The request body parsed, when it is whole and JSON. */
  request_json?: unknown;
  /** 0 for a connection a fault dropped. */
  status: number;
  /** As the server built them, names in lower case (not `date`, `content-length`, `connection`). */
  response_headers: Record<string, string>;
  response_body: string;
  response_body_truncated: boolean;
  /** The response body parsed, when it is whole and JSON. */
  response_json?: unknown;
  duration_micros: number;
  preflight: boolean;
}

/** Which journal entries to return; `path` may use `*`; `limit` keeps the most recent. */
export interface RequestFilter {
  method?: string;
  path?: string;
  status?: number;
  namespace?: string;
  limit?: number;
  api?: 'letta' | 'orq';
  operation?: string;
  /** `Name:value` or `Name`; with several, all must match. */
  header?: string | string[];
  /** Include CORS preflights. */
  preflight?: boolean;
}

/** A fault, as the README's fault section describes it. */
export interface FaultSpec {
  method?: string;
  path: string;
  /** Only this namespace's requests. */
  namespace?: string;
  status?: number;
  body?: unknown;
  delay_ms?: number | { min: number; max: number };
  drop_connection?: boolean;
  times?: number;
}

/** One namespace of a server: the unit of isolation between tests. */
export interface Namespace {
  readonly name: string;
  readonly url: string;
  /** `{ 'X-Mock-Namespace': name }`, for an SDK's default headers. */
  readonly headers: Record<string, string>;
  /** An API key (for orq) whose requests land in this namespace. */
  readonly apiKey: string;
  /** Drops the namespace's data; the next request starts it from the fixtures again. */
  reset(options?: { empty?: boolean }): Promise<void>;
  requests(filter?: Omit<RequestFilter, 'namespace'>): Promise<RecordedRequest[]>;
  loadFixtures(document: object | string): Promise<unknown>;
  /** Adds a fault that only this namespace's requests meet; resolves to its id. */
  addFault(spec: Omit<FaultSpec, 'namespace'>): Promise<number>;
}

/** A running server and its admin API. */
export interface IdentityMock {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The last lines the server printed (empty for a connected server). */
  readonly output: string;
  health(): Promise<Record<string, unknown>>;
  /** Back to the fixtures: every namespace, or only `namespace`. */
  reset(namespace?: string, options?: { empty?: boolean }): Promise<void>;
  requests(filter?: RequestFilter): Promise<RecordedRequest[]>;
  /** Empties the journal; resolves to how many entries it held. */
  clearRequests(): Promise<number>;
  /** Adds a fault; resolves to its id. */
  addFault(spec: FaultSpec): Promise<number>;
  faults(): Promise<Array<FaultSpec & { id: number }>>;
  removeFault(id: number): Promise<void>;
  /** Removes every fault; resolves to how many there were. */
  clearFaults(): Promise<number>;
  /** Adds a fixtures document to `namespace` (default `default`); all or nothing. */
  loadFixtures(document: object | string, namespace?: string): Promise<unknown>;
  /** The whole state as a fixtures document. */
  state(): Promise<Record<string, unknown>>;
  /** A handle on a namespace; without a name, a new unique one. */
  namespace(name?: string): Namespace;
  /** Stops a server this process started (SIGTERM); does nothing for a connected one. */
  stop(): Promise<void>;
}

export declare class IdentityMockError extends Error {}
export declare class StartupError extends IdentityMockError {
  readonly output: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
}
export declare class AdminError extends IdentityMockError {
  readonly status: number;
  /** The server's own error text. */
  readonly serverMessage: string;
  readonly problems: string[];
}

export declare function startIdentityMock(options?: StartOptions): Promise<IdentityMock>;
export declare function connectIdentityMock(url: string, options?: { adminToken?: string }): Promise<IdentityMock>;
export declare function binaryPath(): string;
export declare function platformPackage(target?: { platform?: string; arch?: string; libc?: string | null }): string;
export declare function serverArgs(options?: StartOptions): string[];
