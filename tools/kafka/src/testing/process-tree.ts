// Linux process trees read from /proc, for the tests that interrupt a command and check that nothing it started
// is left: the descendants of a pid (a detached broker JVM included: its parent is still our process), and
// whether a process seen earlier still runs (its start time guards against a reused pid).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks since boot at which it started: with the pid, it names one process. */
  readonly startTime: string;
  readonly command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie has exited; only its exit status is left
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19]!, command };
  } catch {
    return undefined;
  }
}

export function processes(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessInfo => p !== undefined);
}

/** `pid` and every process below it, as they are now. */
export function processTree(pid: number): ProcessInfo[] {
  const all = processes();
  const found = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => found.has(p.pid));
}

/** Those of `seen` that still run (same pid and start time, not a zombie). */
export function stillRunning(seen: readonly ProcessInfo[]): ProcessInfo[] {
  return seen.filter((p) => readProcess(p.pid)?.startTime === p.startTime);
}
