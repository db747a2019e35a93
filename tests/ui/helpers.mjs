// Shared by the UI tests: a server of their own on a free port, headless Chromium with a fresh
// profile, a page that records every console error, and screenshots under target/ui-screenshots/.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.IDENTITY_MOCK_BIN || join(ROOT, 'target/release/identity-mock');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'target/ui-screenshots');

/**
 * For one test file: starts a server (with `args`) and a browser before its tests, then runs
 * `prepare(env)`, and closes both after them. Returns `env`, whose `server` and `browser` are set
 * once the tests run.
 */
export function serverAndBrowser(args = [], prepare = async () => {}) {
  const env = {};
  before(async () => {
    env.server = await startServer(args);
    env.browser = await launchBrowser();
    await prepare(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/** Starts the server (on a free port unless `args` name one); resolves to {url, stop()}. */
export function startServer(args = []) {
  return new Promise((resolvePromise, reject) => {
    const portArgs = args.includes('--port') ? [] : ['--port', '0'];
    const child = spawn(BIN, [...portArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server printed no address in 10 s\n${out}${err}`));
    }, 10_000);
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        const url = match[1].replace(/\/$/, '');
        resolvePromise({
          url,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}\n${out}${err}`));
    });
  });
}

/** Headless Chromium with a fresh profile in a temp dir; resolves to {context, close()}. */
export async function launchBrowser({ colorScheme = 'light' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'identity-mock-ui-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 800 },
    colorScheme,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new tab that records console errors and uncaught exceptions. `allowed` lists patterns of
 * console errors a test expects: the browser's own "Failed to load resource" line for an HTTP
 * error the test provokes on purpose (a 401 before the token, a 400 for bad fixtures).
 */
export async function openPage(context, url, { viewport, allowed = [] } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  if (viewport) await page.setViewportSize(viewport);
  const errors = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (allowed.some((pattern) => pattern.test(text))) return;
    errors.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  if (url) {
    await page.goto(url);
  }
  return { page, errors };
}

/** Waits for the page to have started (the token asked for and given, the first data read). */
export async function ready(page) {
  await page.waitForSelector('body[data-ready=true]', { timeout: 10_000 });
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], `console errors:\n${errors.join('\n')}`);
}

/** A call to the server from the test itself (so it is journaled like any client's). */
export async function call(base, method, path, { body, headers = {} } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: response.status, text, json };
}

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The page's horizontal overflow: 0 when nothing is wider than the window. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
