// identity-mock for Node: start the contract-testing server for the Letta and orq.ai Identities
// APIs from the binary of this platform's package, drive its admin API, and stop it.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The environment variable that names a binary to run instead of the platform package's. */
export const BINARY_VARIABLE = 'IDENTITY_MOCK_BINARY';
/** The environment variable through which the Jest setup (and users) name a running server. */
export const URL_VARIABLE = 'IDENTITY_MOCK_URL';
const SCOPE = '@identity-mock';
const LISTENING = /^listening on (http:\/\/\S+)$/;
const OUTPUT_LINES = 200;
const STOP_TIMEOUT_MS = 10_000;

/** Every error this package throws. */
export class IdentityMockError extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
}

/** The server did not start: it exited first, or never said it was listening. */
export class StartupError extends IdentityMockError {
  constructor(message, { output = '', exitCode = null, signal = null } = {}) {
    super(output ? `${message}\n--- identity-mock output ---\n${output.trimEnd()}` : message);
    this.output = output;
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/** The admin API refused a request; `message` carries the server's own text. */
export class AdminError extends IdentityMockError {
  constructor(status, message, problems = []) {
    const list = problems.map((problem) => `\n  ${problem}`).join('');
    super(`identity-mock admin API answered ${status}: ${message}${list}`);
    this.status = status;
    this.serverMessage = message;
    this.problems = problems;
  }
}

/** `gnu` or `musl` on Linux, from what Node itself was built against; `null` elsewhere. */
function currentLibc() {
  if (process.platform !== 'linux') return null;
  const header = process.report?.getReport?.().header;
  return header?.glibcVersionRuntime ? 'gnu' : 'musl';
}

/**
 * The name of the package that carries the binary for a platform, e.g.
 * `@identity-mock/linux-x64-gnu`; by default for the one Node runs on.
 */
export function platformPackage({ platform = process.platform, arch = process.arch, libc = currentLibc() } = {}) {
  return `${SCOPE}/${platform}-${arch}${libc ? `-${libc}` : ''}`;
}

/**
 * The path of the identity-mock binary: `$IDENTITY_MOCK_BINARY` if set, else the one in this
 * platform's package.
 */
export function binaryPath() {
  const override = process.env[BINARY_VARIABLE];
  if (override) {
    if (!existsSync(override) || !statSync(override).isFile()) {
      throw new IdentityMockError(`${BINARY_VARIABLE}=${override} is not a file`);
    }
    return override;
  }
  const name = platformPackage();
  const file = process.platform === 'win32' ? 'identity-mock.exe' : 'identity-mock';
  try {
    return createRequire(import.meta.url).resolve(`${name}/bin/${file}`);
  } catch {
    throw new IdentityMockError(
      `the package ${name}, which carries the identity-mock binary for this platform, is not installed ` +
        `(it is an optional dependency of identity-mock: check that optional dependencies were not ` +
        `omitted), or set ${BINARY_VARIABLE} to a binary`,
    );
  }
}

/** The command-line arguments for `options` (see `startIdentityMock`). */
export function serverArgs(options = {}) {
  const args = ['--host', options.host ?? '127.0.0.1', '--port', '0'];
  if (options.fixtures !== undefined && options.empty) {
    throw new IdentityMockError('fixtures and empty: true exclude each other');
  }
  if (options.empty) args.push('--empty');
  if (options.fixtures !== undefined) {
    if (typeof options.fixtures !== 'string') {
      throw new IdentityMockError('fixtures is a path; load a document with loadFixtures()');
    }
    args.push('--fixtures', options.fixtures);
  }
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.clock !== undefined) args.push('--clock', options.clock);
  if (options.orqApi !== undefined) args.push('--orq-api', options.orqApi);
  for (const key of options.apiKeys ?? []) args.push('--api-key', key);
  if (options.adminToken !== undefined) args.push('--admin-token', options.adminToken);
  return args.concat(options.extraArgs ?? []);
}

/** Servers started by this process, stopped when it exits if nobody stopped them. */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/**
 * Starts the identity-mock binary on a free port and resolves once it listens.
 * @param {import('./index.js').StartOptions} [options]
 * @returns {Promise<import('./index.js').IdentityMock>}
 */
export async function startIdentityMock(options = {}) {
  const binary = options.binary ?? binaryPath();
  const args = serverArgs(options);
  const described = [binary, ...args].join(' ');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = [];
  const keep = (line) => {
    output.push(line);
    if (output.length > OUTPUT_LINES) output.shift();
  };
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => running.delete(child));

  const url = await new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn(value);
    };
    const timeoutMs = options.startupTimeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(reject, new StartupError(`identity-mock did not start listening within ${timeoutMs} ms (${described})`,
        { output: output.join('\n') }));
    }, timeoutMs);
    child.once('error', (error) => {
      settle(reject, new StartupError(`cannot run identity-mock (${described}): ${error.message}`));
    });
    lines(child.stdout, (line) => {
      keep(line);
      const match = LISTENING.exec(line);
      if (match) settle(resolve, match[1]);
    });
    lines(child.stderr, keep);
    // 'close' comes after both pipes ended, so the output is complete.
    child.once('close', (code, signal) => {
      settle(reject, new StartupError(
        `identity-mock exited with ${signal ? `signal ${signal}` : `status ${code}`} before it listened (${described})`,
        { output: output.join('\n'), exitCode: code, signal },
      ));
    });
  });

  // A server nobody stopped must not keep the test runner alive: the exit hook above ends it.
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return handle(url, { adminToken: options.adminToken, stop, output: () => output.join('\n') });
}

/**
 * Wraps a server that is already running at `url`; its `stop()` leaves that server running.
 * Rejects if nothing answers there.
 */
export async function connectIdentityMock(url, { adminToken } = {}) {
  const mock = handle(url.replace(/\/+$/, ''), { adminToken, stop: async () => {}, output: () => '' });
  await mock.health();
  return mock;
}

/** Calls `onLine` with each line a stream gives. */
function lines(stream, onLine) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    let at;
    while ((at = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, at).replace(/\r$/, ''));
      pending = pending.slice(at + 1);
    }
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
  });
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== false) search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function handle(url, { adminToken, stop, output }) {
  async function admin(method, path, { params, body } = {}) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (adminToken !== undefined) headers['x-admin-token'] = adminToken;
    let response;
    try {
      response = await fetch(`${url}/__admin${path}${query(params)}`, { method, headers, body });
    } catch (error) {
      throw new IdentityMockError(`cannot reach identity-mock at ${url}: ${error.cause?.message ?? error.message}`);
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const detail = parsed && typeof parsed === 'object' ? parsed : {};
      throw new AdminError(response.status, String(detail.error ?? (text || response.statusText)), detail.problems ?? []);
    }
    return parsed;
  }

  const mock = {
    url,
    get output() {
      return output();
    },
    health: () => admin('GET', '/health'),
    reset: async (namespace, { empty = false } = {}) => {
      await admin('POST', '/reset', { params: { namespace, empty: empty ? 'true' : undefined } });
    },
    requests: async (filter = {}) => (await admin('GET', '/requests', { params: filter })).requests,
    clearRequests: async () => (await admin('DELETE', '/requests')).cleared,
    addFault: async (spec) => (await admin('POST', '/faults', { body: JSON.stringify(spec) })).id,
    faults: async () => (await admin('GET', '/faults')).faults,
    removeFault: async (id) => {
      await admin('DELETE', `/faults/${encodeURIComponent(id)}`);
    },
    clearFaults: async () => (await admin('DELETE', '/faults')).removed,
    loadFixtures: (document, namespace) =>
      admin('POST', '/fixtures', {
        params: { namespace },
        body: typeof document === 'string' ? document : JSON.stringify(document),
      }),
    state: () => admin('GET', '/state'),
    namespace: (name = `ns-${randomUUID()}`) => ({
      name,
      url,
      headers: { 'X-Mock-Namespace': name },
      // The server takes a request's namespace from its bearer key when it names none.
      apiKey: name,
      reset: (options) => mock.reset(name, options),
      requests: (filter = {}) => mock.requests({ ...filter, namespace: name }),
      loadFixtures: (document) => mock.loadFixtures(document, name),
      addFault: (spec) => mock.addFault({ ...spec, namespace: name }),
    }),
    stop,
  };
  return mock;
}
