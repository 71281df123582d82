// Port helpers: pick free loopback ports and wait for a port to accept connections.
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port the OS says is free right now (there is a small race until the broker binds it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls until the port accepts TCP, `stillAlive` says no, or the deadline passes. */
export async function waitForPort(
  port: number,
  deadline: number,
  stillAlive: () => boolean,
  host = '127.0.0.1',
): Promise<boolean> {
  while (Date.now() < deadline) {
    if (!stillAlive()) return false;
    if (await canConnect(port, host)) return true;
    await sleep(150);
  }
  return false;
}
