#!/usr/bin/env node
// `npx identity-mock ...`: runs this platform's binary with the same arguments, passes signals on,
// and exits as it does.

import { spawn } from 'node:child_process';
import { binaryPath, IdentityMockError } from '../index.js';

let binary;
try {
  binary = binaryPath();
} catch (error) {
  if (!(error instanceof IdentityMockError)) throw error;
  console.error(`identity-mock: ${error.message}`);
  process.exit(1);
}
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  console.error(`identity-mock: cannot run ${binary}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
