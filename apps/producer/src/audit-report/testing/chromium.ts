// A real headless Chromium for the report's browser test, from Debian's packages: the one on the PATH (or
// CHROMIUM_PATH), else one unpacked into <repo>/.cache/chromium without root (`apt-get download` of chromium and
// the libraries it needs that the machine lacks, then `dpkg -x`), fetched once. When none can be had (no apt,
// no network to Debian's archive), `obtainChromium` says why and the test is skipped with that reason.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));
const CACHE = join(REPO, '.cache', 'chromium');
const ROOT = join(CACHE, 'root');
const UNPACKED = join(ROOT, 'usr', 'lib', 'chromium', 'chromium');

export type Browser = { path: string; env: NodeJS.ProcessEnv; how: string };

const run = (cmd: string, args: string[], cwd?: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

function onPath(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = run('sh', ['-c', `command -v ${name}`]).trim();
      if (path) return path;
    } catch {
      // not there
    }
  }
  return null;
}

function unpackedEnv(): NodeJS.ProcessEnv {
  const libs = [
    join(ROOT, 'usr/lib/x86_64-linux-gnu'),
    join(ROOT, 'usr/lib/x86_64-linux-gnu/pulseaudio'),
    join(ROOT, 'usr/lib/chromium'),
  ];
  return {
    ...process.env,
    LD_LIBRARY_PATH: [...libs, process.env.LD_LIBRARY_PATH ?? ''].filter(Boolean).join(':'),
  };
}

function missingLibraries(env: NodeJS.ProcessEnv): string[] {
  const out = execFileSync('ldd', [UNPACKED], { env, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('not found'))
    .map((l) => l.trim());
}

/** The packages `apt-get install chromium` would add to this machine (a simulation: no root needed). */
function packagesToFetch(): string[] {
  const plan = run('apt-get', ['-s', 'install', '--no-install-recommends', 'chromium']);
  const names = plan
    .split('\n')
    .filter((l) => l.startsWith('Inst '))
    .map((l) => l.split(' ')[1]!);
  return names.length > 0 ? names : ['chromium', 'chromium-common'];
}

function unpack(): void {
  const debs = join(CACHE, 'debs');
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  let names: string[];
  try {
    names = packagesToFetch();
    run('apt-get', ['download', ...names], debs);
  } catch (error) {
    // Stale or missing package lists: root may refresh them once (Debian's archive drops old versions).
    if (process.getuid?.() !== 0) throw error;
    run('apt-get', ['update']);
    names = packagesToFetch();
    run('apt-get', ['download', ...names], debs);
  }
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb')))
    run('dpkg', ['-x', join(debs, deb), ROOT]);
}

/** A Chromium to drive, or the reason none could be obtained. */
export function obtainChromium(): Browser | { reason: string } {
  const configured = process.env.CHROMIUM_PATH;
  if (configured && existsSync(configured))
    return { path: configured, env: process.env, how: 'CHROMIUM_PATH' };
  const system = onPath();
  if (system) return { path: system, env: process.env, how: 'on the PATH' };
  try {
    let fresh = false;
    if (!existsSync(UNPACKED)) {
      unpack();
      fresh = true;
    }
    if (!existsSync(UNPACKED)) return { reason: 'the chromium package unpacked without its binary' };
    const env = unpackedEnv();
    let missing = missingLibraries(env);
    if (missing.length > 0 && !fresh) {
      // Unpacked on another machine or interrupted: unpack again for this one.
      unpack();
      missing = missingLibraries(env);
    }
    if (missing.length > 0) return { reason: `the unpacked chromium lacks libraries: ${missing.join(', ')}` };
    return { path: UNPACKED, env, how: `unpacked from Debian's packages into ${ROOT}` };
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    return {
      reason: `no chromium on this machine and none could be fetched from Debian's packages: ${detail.slice(0, 400)}`,
    };
  }
}

/** A Chrome DevTools Protocol session over --remote-debugging-pipe (fd 3 in, fd 4 out; messages end with NUL). */
export class HeadlessPage {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: Array<(method: string, params: Record<string, unknown>) => void> = [];
  private buffer = '';
  private sessionId = '';
  readonly requests: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as NodeJS.ReadableStream;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, at)) as {
          id?: number;
          result?: unknown;
          error?: { message: string };
          method?: string;
          params?: Record<string, unknown>;
        };
        this.buffer = this.buffer.slice(at + 1);
        if (message.id !== undefined) {
          const w = this.waiting.get(message.id);
          this.waiting.delete(message.id);
          if (message.error) w?.reject(new Error(message.error.message));
          else w?.resolve(message.result);
        } else if (message.method) for (const l of this.listeners) l(message.method, message.params ?? {});
      }
    });
  }

  static async open(browser: Browser): Promise<HeadlessPage> {
    const profile = mkdtempSync(join(tmpdir(), 'audit-report-chromium-'));
    const child = spawn(
      browser.path,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { env: browser.env, stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const page = new HeadlessPage(child, profile);
    const { targetId } = (await page.send('Target.createTarget', { url: 'about:blank' }, false)) as {
      targetId: string;
    };
    const { sessionId } = (await page.send('Target.attachToTarget', { targetId, flatten: true }, false)) as {
      sessionId: string;
    };
    page.sessionId = sessionId;
    page.listeners.push((method, params) => {
      if (method === 'Network.requestWillBeSent') page.requests.push((params.request as { url: string }).url);
    });
    await page.send('Network.enable', {});
    await page.send('Page.enable', {});
    return page;
  }

  send(method: string, params: Record<string, unknown>, inSession = true): Promise<unknown> {
    const id = this.nextId++;
    const message = { id, method, params, ...(inSession ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer from chromium`)), 30_000);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      (this.child.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify(message)}\0`);
    });
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) =>
      this.listeners.push((method) => {
        if (method === 'Page.loadEventFired') resolve();
      }),
    );
    await this.send('Page.navigate', { url });
    await loaded;
  }

  async evaluate<T>(expression: string): Promise<T> {
    const answer = (await this.send('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })) as {
      result: { value: T };
      exceptionDetails?: { text: string };
    };
    if (answer.exceptionDetails) throw new Error(`in the page: ${answer.exceptionDetails.text}`);
    return answer.result.value;
  }

  /** A real mouse click (pressed and released) at the middle of the element the selector names. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(
      `(() => { const el = document.querySelector(${JSON.stringify(selector)}); if (!el) return null; el.scrollIntoView(); const r = el.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`,
    );
    if (box === null) throw new Error(`nothing to click at ${selector}`);
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
      await this.send('Input.dispatchMouseEvent', {
        type,
        x: box.x,
        y: box.y,
        button: 'left',
        clickCount: 1,
      });
  }

  async close(): Promise<void> {
    await this.send('Browser.close', {}, false).catch(() => undefined);
    await new Promise((resolve) =>
      this.child.exitCode !== null ? resolve(null) : this.child.once('exit', resolve),
    );
    rmSync(this.profile, { recursive: true, force: true });
  }
}
