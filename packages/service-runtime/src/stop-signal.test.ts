// untilStopSignal: a second SIGINT (npm run delivers two on Ctrl-C) must not kill the process mid-shutdown.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const program = `
import { untilStopSignal } from ${JSON.stringify(join(import.meta.dirname, 'stop-signal.ts'))};
setInterval(() => undefined, 1000); // a server keeps a service's event loop alive
const signal = await untilStopSignal();
process.stdout.write('stopping on ' + signal + '\\n');
await new Promise((r) => setTimeout(r, 600)); // a shutdown that takes a while
process.stdout.write('stopped\\n');
process.exit(0);
`;

function run(
  signals: NodeJS.Signals[],
): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => {
    // Signals spaced out, as the terminal's and scripts/run.mjs's arrive: after the first has been handled.
    setTimeout(async () => {
      for (const s of signals) {
        child.kill(s);
        await new Promise((r) => setTimeout(r, 150));
      }
    }, 1500);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('untilStopSignal', () => {
  it('finishes its shutdown although SIGINT comes twice and SIGTERM after it', async () => {
    const r = await run(['SIGINT', 'SIGINT', 'SIGTERM']);
    expect(r).toEqual({ code: 0, signal: null, out: 'stopping on SIGINT\nstopped\n' });
  });

  it('resolves on SIGTERM as well', async () => {
    const r = await run(['SIGTERM']);
    expect(r.out).toBe('stopping on SIGTERM\nstopped\n');
  });
});
