// What a user outside this repository does with our packages: build, `npm pack`, install the tarballs into an
// empty directory with npm, and run plain `node` there (no tsx, no workspace links, no source condition).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root (tools/release/src -> root). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The libraries published to npm, by workspace folder. */
export const LIBRARIES = {
  '@zendesk-lifecycle/core': 'packages/core',
  '@zendesk-lifecycle/zendesk-client': 'packages/zendesk-client',
  '@zendesk-lifecycle/itsm-logger': 'packages/itsm-logger',
  '@zendesk-lifecycle/zendesk-sandbox': 'packages/zendesk-sandbox',
} as const;

/** What the production image holds besides the libraries: the runtime both services share and the two apps. */
export const SERVICES = {
  '@zendesk-lifecycle/service-runtime': 'packages/service-runtime',
  '@zendesk-lifecycle/consumer': 'apps/consumer',
  '@zendesk-lifecycle/producer': 'apps/producer',
} as const;

/**
 * The environment of a program run "outside": ours without what would tie it to the workspace: npm's per-script
 * settings (npm_*) and NODE_OPTIONS (which carries the workspace's source condition).
 */
export function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.toLowerCase().startsWith('npm_') && key !== 'NODE_OPTIONS') env[key] = value;
  return { ...env, NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

const exec = promisify(execFile);

/** Terminal colour codes (Nx sets FORCE_COLOR for its tasks; some programs colour anyway). */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Runs a command to its end; throws with its output when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, {
      cwd: options.cwd,
      env: options.env ?? outsideEnv(),
      timeout: options.timeoutMs ?? 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout: stdout.replace(ANSI, ''), stderr: stderr.replace(ANSI, '') };
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${options.cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Builds the given projects through Nx (a cache hit when `nx run release:test` built them already), so that a
 * test started with plain `vitest run` never packs a stale or missing dist/.
 */
export async function build(projectFolders: string[]): Promise<void> {
  const projects = projectFolders.map((folder) => folder.split('/').pop()!).join(',');
  await run(join(repoRoot, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '-p', projects], {
    cwd: repoRoot,
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_DAEMON: 'false' },
    timeoutMs: 600_000,
  });
}

/** `npm pack` of workspace folders into `dir`; returns the tarball path per package name. */
export async function pack(folders: string[], dir: string): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', dir, ...folders.flatMap((f) => ['--workspace', f])];
  const { stdout } = await run(npm, args, { cwd: repoRoot });
  const packed = JSON.parse(stdout) as Array<{
    name: string;
    filename: string;
    files: Array<{ path: string }>;
  }>;
  return Object.fromEntries(packed.map((p) => [p.name, join(dir, p.filename)]));
}

/** The file list of a tarball, as `npm pack` would publish it. */
export async function packedFiles(folder: string): Promise<string[]> {
  const { stdout } = await run(npm, ['pack', '--dry-run', '--json', '--workspace', folder], {
    cwd: repoRoot,
  });
  const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return packed!.files.map((f) => f.path).sort();
}

/** A fresh directory outside the repository, holding a package.json with the given dependencies, installed. */
export async function installOutside(
  prefix: string,
  dependencies: Record<string, string>,
  options: { omitDev?: boolean } = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `zendesk-lifecycle-${prefix}-`));
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `${prefix}-check`, private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  const omit = options.omitDev ? ['--omit=dev'] : [];
  await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...omit], {
    cwd: dir,
    env: outsideEnv(options.omitDev ? { NODE_ENV: 'production' } : {}),
    timeoutMs: 600_000,
  });
  return dir;
}

/** The example a package README opens with: the first ```js block of its "Use it alone" section. */
export function readmeExample(folder: string): string {
  const readme = readFileSync(join(repoRoot, folder, 'README.md'), 'utf8');
  const section = readme.split(/^## Use it alone$/m)[1];
  const code = section?.match(/```js\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error(`${folder}/README.md has no "## Use it alone" section with a js example`);
  return code;
}

/** Starts a long-running `node` program outside; its output is collected. */
export function startNode(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd,
    env: outsideEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Stops a program with SIGTERM and waits for it to exit; its exit code (null when a signal ended it). */
export async function stop(child: ChildProcess, timeoutMs = 30_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
