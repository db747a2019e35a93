// Shared by the Node SDK scenarios (letta_node.mjs, orq_node.mjs): loading the pinned SDKs, the
// `check(name, fn)` runner and its assertions, and the bookkeeping that lets a failure name the SDK
// call and the HTTP request it made. The scenarios themselves use the SDKs as a user would.
//
// Environment (set by tests/sdk/run.sh):
//   IDENTITY_MOCK_NODE_PREFIX  the npm prefix the SDKs are installed in (.sdk-env/node); its
//                              node_modules/ is where the SDKs are loaded from

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect, isDeepStrictEqual } from 'node:util';

/**
 * `require` for the SDKs installed under $IDENTITY_MOCK_NODE_PREFIX. ESM `import` resolves bare
 * names only from the importing file's folder upwards (NODE_PATH is ignored), and the SDKs live in
 * .sdk-env/node/, not beside the scenarios; both SDKs ship CommonJS builds for `require`.
 */
export function sdkRequire() {
  const prefix = process.env.IDENTITY_MOCK_NODE_PREFIX;
  if (!prefix) {
    console.log('IDENTITY_MOCK_NODE_PREFIX is not set: it names the npm prefix the SDKs are installed in');
    process.exit(2);
  }
  return createRequire(join(prefix, 'package.json'));
}

/** Installed version of PACKAGE, read from its package.json (which `exports` may hide). */
export function installedVersion(prefix, pkg) {
  return JSON.parse(readFileSync(join(prefix, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** The server and the mode a Letta scenario runs against, from run.sh's environment; exits 2 when
 * they are missing or unknown. */
export function lettaScenarioEnv() {
  const BASE_URL = process.env.IDENTITY_MOCK_BASE_URL;
  const MODE = process.env.IDENTITY_MOCK_MODE ?? 'default';
  if (!BASE_URL) {
    console.log('IDENTITY_MOCK_BASE_URL is not set');
    process.exit(2);
  }
  if (!['default', 'fix-upstream-bugs'].includes(MODE)) {
    console.log(`IDENTITY_MOCK_MODE must be 'default' or 'fix-upstream-bugs', not ${show(MODE)}`);
    process.exit(2);
  }
  return { BASE_URL, MODE };
}

export function show(value) {
  return inspect(value, { depth: 6, breakLength: Infinity, compact: true, maxStringLength: 2000 });
}

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function eq(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function ok(condition, what) {
  if (!condition) throw new AssertionError(what);
}

// ---------------------------------------------------------------- what the SDK was asked and sent

/**
 * The SDK call made last, as text (e.g. `client.identities.retrieve('identity-…')`), the stack
 * where the scenario made it, and the HTTP request the SDK sent last.
 */
export const last = { call: null, site: null, request: null };

/**
 * `fetch` that remembers the last request it sent and the status it got, so that a failure can
 * show the HTTP exchange behind an SDK call (auto-pagination sends requests no SDK call names).
 */
export function recordingFetch(inner = globalThis.fetch) {
  return async (input, init) => {
    const request = input instanceof Request ? input : null;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const url = String(request ? request.url : input);
    last.request = `${method} ${url}`;
    const response = await inner(input, init);
    last.request = `${method} ${url} -> HTTP ${response.status}`;
    return response;
  };
}

/**
 * A view of an SDK client that records every method call in `last.call` (with its arguments)
 * before passing it on unchanged. Nested resources (`client.identities.properties`) are traced too.
 * Methods run on the real objects, so the SDKs' private fields keep working.
 */
export function traced(target, name) {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj);
      if (typeof prop === 'symbol' || prop.startsWith('_')) return value;
      if (typeof value === 'function') {
        return (...args) => {
          last.call = `${name}.${prop}(${args.map(show).join(', ')})`;
          // An SDK error's own stack often stops inside the SDK: keep the scenario's line.
          last.site = new Error().stack;
          return value.apply(obj, args);
        };
      }
      if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) !== Object.prototype
          && !Array.isArray(value)) {
        return traced(value, `${name}.${prop}`);
      }
      return value;
    },
  });
}

// ---------------------------------------------------------------- the check runner

/**
 * check(name, fn) for one scenario: runs the async checks in order; at the first failure prints
 * which check, the scenario line, the SDK call and why, and exits 1.
 *   label         names the SDK, its version and the mode, e.g. "@orq-ai/node 4.15.11 (node), current"
 *   scriptUrl     import.meta.url of the scenario (its lines are quoted in failures)
 *   describe(err) lines describing an SDK error, or null for anything else
 *   statusOf(err) the HTTP status an SDK error carries
 *   isSdkError    whether err is one of the SDK's own errors (HTTP, validation, connection)
 *   helpers       names of the scenario's helper functions, skipped when finding the failing line
 */
export function makeRunner({ label, scriptUrl, describe, statusOf, isSdkError, helpers = [] }) {
  const scriptPath = fileURLToPath(scriptUrl);
  const scriptName = basename(scriptPath);
  const lines = readFileSync(scriptPath, 'utf8').split('\n');
  const skip = new Set(['check', 'expectError', ...helpers]);
  let checksRun = 0;

  /** The innermost line of the scenario (outside the helpers) in err's stack, as "file:N: code". */
  function scenarioLine(err) {
    for (const frame of String(err?.stack ?? '').split('\n').slice(1)) {
      const m = frame.match(/^\s*at (?:async )?(?:(\S+) \()?(file:\/\/\S+?):(\d+):\d+\)?$/);
      if (!m || m[2] !== scriptUrl) continue;
      const fn = (m[1] ?? '').split('.').pop();
      if (skip.has(fn)) continue;
      const n = Number(m[3]);
      return `${scriptName}:${n}: ${lines[n - 1]?.trim() ?? ''}`;
    }
    return null;
  }

  async function check(name, fn) {
    last.call = null;
    last.site = null;
    last.request = null;
    try {
      await fn();
    } catch (err) {
      const out = [`FAIL [${label}] ${name}`];
      const sdkLines = describe(err);
      // For an SDK error, the line that made the SDK call; otherwise the line that threw (or, if
      // the error's stack never left the SDK, the line that made the last SDK call).
      const site = last.site && scenarioLine({ stack: last.site });
      const where = sdkLines ? site || scenarioLine(err) : scenarioLine(err) || site;
      if (where) out.push(`  at ${where}`);
      if (sdkLines) {
        out.push(`  SDK call ${last.call ?? '(none)'}: unexpected ${sdkLines[0]}`);
        if (last.request) out.push(`  HTTP: ${last.request}`);
        out.push(...sdkLines.slice(1).map((l) => `  ${l}`));
      } else if (err instanceof AssertionError) {
        out.push(`  ${err.message.replaceAll('\n', '\n    ')}`);
        if (last.call && !err.message.includes(last.call)) out.push(`  (last SDK call: ${last.call})`);
        if (last.request) out.push(`  (last HTTP request: ${last.request})`);
      } else {
        if (last.call) out.push(`  SDK call ${last.call} raised an unexpected exception`);
        if (last.request) out.push(`  (last HTTP request: ${last.request})`);
        out.push(`  ${String(err?.stack ?? err).split('\n').slice(0, 8).join('\n  ')}`);
      }
      console.log(out.join('\n'));
      process.exit(1);
    }
    checksRun += 1;
  }

  /**
   * Awaits call(), which must fail with the SDK's `ErrorClass` carrying HTTP `status`; returns
   * the error.
   */
  async function expectError(ErrorClass, status, call) {
    let result;
    try {
      result = await call();
    } catch (err) {
      if (err instanceof ErrorClass) {
        eq(statusOf(err), status, `${last.call}: ${ErrorClass.name} status`);
        return err;
      }
      if (isSdkError(err)) {
        const lines = describe(err) ?? [String(err)];
        throw new AssertionError(
          `${last.call}: expected ${ErrorClass.name} (HTTP ${status}), got ${lines[0]}\n${lines.slice(1).join('\n')}`);
      }
      throw err;
    }
    throw new AssertionError(
      `${last.call}: expected ${ErrorClass.name} (HTTP ${status}), but the call returned ${show(result)}`);
  }

  function finish() {
    console.log(`${checksRun} checks passed [${label}]`);
  }

  return { check, expectError, finish };
}
