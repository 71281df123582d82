// Progress of a long command on stderr, so that stdout stays the command's output.

/** A progress line that redraws itself in a terminal and prints plain lines otherwise. */
export function progress(label: string): { tick(count: number): void; done(count: number): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    tick(count) {
      if (tty) {
        if (count - last >= 50) process.stderr.write(`\r${label}: ${count}`);
      } else if (count - last >= 1000) process.stderr.write(`${label}: ${count}\n`);
      else return;
      last = count;
    },
    done(count) {
      process.stderr.write(`${tty ? '\r' : ''}${label}: ${count} done\n`);
    },
  };
}
