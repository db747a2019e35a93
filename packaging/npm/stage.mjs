// Lays out the two npm packages for `npm pack`: the main package `identity-mock` and the package of
// this machine's platform, which carries the binary. Both get the version given (Cargo.toml's).
//
// Usage: node packaging/npm/stage.mjs VERSION BINARY STAGE_DIR
// Prints the two package folders, one a line: platform first, then main.

import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { platformPackage } from './identity-mock/index.js';

const [version, binary, stage] = process.argv.slice(2);
if (!version || !binary || !stage) {
  console.error('usage: node stage.mjs VERSION BINARY STAGE_DIR');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const write = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
const main = JSON.parse(readFileSync(join(here, 'identity-mock', 'package.json'), 'utf8'));

const platformName = platformPackage();
const libc = platformName.endsWith('-gnu') ? 'glibc' : platformName.endsWith('-musl') ? 'musl' : null;
const platformDir = join(stage, 'platform');
const mainDir = join(stage, 'main');
rmSync(stage, { recursive: true, force: true });

mkdirSync(join(platformDir, 'bin'), { recursive: true });
const file = process.platform === 'win32' ? 'identity-mock.exe' : 'identity-mock';
copyFileSync(binary, join(platformDir, 'bin', file));
chmodSync(join(platformDir, 'bin', file), 0o755);
copyFileSync(join(here, 'platform', 'README.md'), join(platformDir, 'README.md'));
write(join(platformDir, 'package.json'), {
  name: platformName,
  version,
  description: `The identity-mock binary for ${platformName.split('/')[1]}; installed by the identity-mock package`,
  license: main.license,
  os: [process.platform],
  cpu: [process.arch],
  ...(libc ? { libc: [libc] } : {}),
  files: ['bin/'],
  preferUnplugged: true,
});

mkdirSync(mainDir, { recursive: true });
for (const entry of main.files) {
  cpSync(join(here, 'identity-mock', entry), join(mainDir, entry), { recursive: true });
}
copyFileSync(join(here, 'identity-mock', 'README.md'), join(mainDir, 'README.md'));
write(join(mainDir, 'package.json'), {
  ...main,
  version,
  optionalDependencies: { [platformName]: version },
});
console.log(platformDir);
console.log(mainDir);
