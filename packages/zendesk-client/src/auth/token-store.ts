// Where the refresh-token grant keeps its state: Zendesk replaces the refresh token (and kills the previous access
// token) on every refresh, so the current pair must outlive the process and be shared by every instance.
// A store is a lock plus read/write; FileTokenStore is one (an exclusive lock file, atomic rename, mode 0600),
// and any secret store can be plugged in through the same interface.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** An OAuth grant as kept between runs: access token, refresh token and expiry. */
export interface StoredGrant {
  /** The refresh token Zendesk will accept next. */
  refreshToken: string;
  /** The access token that came with it, shared by every instance, and when it expires (epoch ms). */
  accessToken: string | null;
  expiresAt: number;
  /** When an instance should refresh (epoch ms), ahead of expiry. */
  renewAt: number;
  /** The scopes the access token carries. */
  scope: string;
  /** The configured refresh token this state grew from: a different one configured later starts afresh. */
  seed: string;
}

/** Where the refresh-token grant keeps its rotated pair (a file shared by replicas, or memory). */
export interface TokenStore {
  /** Runs `fn` while no other process (sharing this store) runs it. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  read(): Promise<StoredGrant | undefined>;
  write(grant: StoredGrant): Promise<void>;
  /** Where the state is kept, for messages (never the secret itself). */
  readonly description: string;
}

/** One process only: the state dies with it (tests; or a store for a single run). */
export class MemoryTokenStore implements TokenStore {
  private grant: StoredGrant | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly description = 'memory';

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
  async read() {
    return this.grant;
  }
  async write(grant: StoredGrant) {
    this.grant = { ...grant };
  }
}

/**
 * A JSON file readable by its owner only. The lock is `{file}.lock`, made with O_EXCL; a lock older than
 * `staleMs` (a crashed holder) is taken over. Works for processes on one host or on a shared volume that
 * honours O_EXCL.
 */
export class FileTokenStore implements TokenStore {
  private local: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly options: { staleMs?: number; waitMs?: number } = {},
  ) {}

  get description() {
    return `file ${this.path}`;
  }

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.local.then(
      () => this.locked(fn),
      () => this.locked(fn),
    );
    this.local = run.catch(() => undefined);
    return run;
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const lock = `${this.path}.lock`;
    const staleMs = this.options.staleMs ?? 30_000;
    const deadline = Date.now() + (this.options.waitMs ?? 60_000);
    await mkdir(dirname(this.path), { recursive: true });
    for (;;) {
      try {
        const handle = await open(lock, 'wx', 0o600);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > staleMs) await rm(lock, { force: true });
        else if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lock}`);
        else await sleep(25 + Math.random() * 50);
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  async read(): Promise<StoredGrant | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read the OAuth token file ${this.path}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text) as StoredGrant;
    } catch {
      // Not the parser's message: it quotes the file, which holds secrets.
      throw new Error(`the OAuth token file ${this.path} is not valid JSON`);
    }
  }

  async write(grant: StoredGrant): Promise<void> {
    const temp = `${this.path}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(grant), { mode: 0o600 });
    await rename(temp, this.path);
  }
}
