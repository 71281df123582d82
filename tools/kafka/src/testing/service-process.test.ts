// Services as child processes: ready when their probe answers, stopped gracefully, killed, and a failed start said.
import { describe, expect, it } from 'vitest';
import { freePort } from '../ports.js';
import { startServiceProcess } from './service-process.js';

const entry = 'tools/kafka/src/testing/service-process.fixture.ts';

describe('startServiceProcess', () => {
  it('resolves once the probe answers, and stops the service with SIGTERM', async () => {
    const port = await freePort();
    let output = '';
    const service = await startServiceProcess({
      name: 'fixture',
      entry,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/`,
      output: (chunk) => (output += chunk.toString()),
    });
    expect(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).toBe('ok');
    await service.stop();
    expect(service.child.exitCode).toBe(0);
    expect(output).toBe('started\nstopping\n');
  });

  it('kills without a goodbye', async () => {
    const port = await freePort();
    const service = await startServiceProcess({
      name: 'fixture',
      entry,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    await service.kill();
    expect(service.child.signalCode).toBe('SIGKILL');
  });

  it('says so when the service exits during start-up', async () => {
    const port = await freePort();
    await expect(
      startServiceProcess({
        name: 'fixture',
        entry,
        env: { PORT: String(port), FAIL_AT_START: '1' },
        readyUrl: `http://127.0.0.1:${port}/`,
        output: { file: '/dev/null' },
      }),
    ).rejects.toThrow('fixture exited during start-up; see /dev/null');
  });
});
