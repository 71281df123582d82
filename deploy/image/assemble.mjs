#!/usr/bin/env node
// Assembles the production application from packed tarballs, as the Dockerfile's runtime stage does:
//   node deploy/image/assemble.mjs <directory of .tgz files> <empty target directory>
// The target gets a package.json naming every tarball, the entry point and the health check, then
// `npm install --omit=dev`: production dependencies only, no TypeScript, no tsx, no workspace links.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [packs, target] = process.argv.slice(2).map((p) => resolve(p));
if (!packs || !target) {
  process.stderr.write('usage: node assemble.mjs <packs directory> <target directory>\n');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
// zendesk-lifecycle-consumer-0.1.0.tgz -> @zendesk-lifecycle/consumer
const dependencies = Object.fromEntries(
  tarballs.map((f) => [
    `@zendesk-lifecycle/${f.replace(/^zendesk-lifecycle-/, '').replace(/-\d+\.\d+\.\d+(-[\w.]+)?\.tgz$/, '')}`,
    `file:${join(packs, f)}`,
  ]),
);
if (!dependencies['@zendesk-lifecycle/consumer'] || !dependencies['@zendesk-lifecycle/producer']) {
  process.stderr.write(
    `${packs} must hold the consumer and producer tarballs (found: ${tarballs.join(', ')})\n`,
  );
  process.exit(2);
}
mkdirSync(target, { recursive: true });
writeFileSync(
  join(target, 'package.json'),
  `${JSON.stringify({ name: 'zendesk-lifecycle-image', private: true, type: 'module', dependencies }, null, 2)}\n`,
);
for (const file of ['entrypoint.mjs', 'healthcheck.mjs']) copyFileSync(join(here, file), join(target, file));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
  cwd: target,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
process.exit(result.status ?? 1);
