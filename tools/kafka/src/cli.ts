// `npm run kafka -- start|stop|status|run|exec|install`: the local broker from the command line.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ensureArtifacts } from './artifacts.js';
import { startCluster } from './broker.js';
import { daemonAnswers, readDaemon, startDaemon, stopDaemon } from './daemon.js';
import { KafkaToolError } from './errors.js';
import { kafkaVersion } from './paths.js';

const say = (line: string) => process.stderr.write(`[kafka] ${line}\n`);

const usage = `usage: npm run kafka -- <command>
  start [--port N]   start a broker in the background (free port unless given); prints the bootstrap address
  stop               stop the background broker
  status             is the background broker running, and where
  run [--port N]     run a broker in the foreground until Ctrl-C
  exec -- CMD ...    run CMD with KAFKA_BROKERS set, starting a broker for it unless KAFKA_BROKERS is already set
  install            fetch the Kafka jars from Maven Central into the cache`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const external = process.env.KAFKA_BROKERS;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' } } });
      if (external) return (say(`KAFKA_BROKERS is set (${external}): nothing to start.`), 0);
      const { info, alreadyRunning } = await startDaemon({ port: portOf(values.port), log: say });
      say(`${alreadyRunning ? 'already running' : `Apache Kafka ${info.version} started`} (pid ${info.pid})`);
      say(`logs: ${info.logFile}`);
      process.stdout.write(`${info.bootstrap}\n`);
      return 0;
    }
    case 'stop':
      say((await stopDaemon()) ? 'stopped' : 'no background broker was running');
      return 0;
    case 'status': {
      const info = readDaemon();
      if (!info) return (say('not running'), 3);
      const answers = await daemonAnswers(info);
      say(
        `running (pid ${info.pid}), Kafka ${info.version} at ${info.bootstrap}, ${answers ? 'answering' : 'NOT answering'}`,
      );
      process.stdout.write(`${info.bootstrap}\n`);
      return answers ? 0 : 1;
    }
    case 'run':
      return runForeground(
        portOf(parseArgs({ args: rest, options: { port: { type: 'string' } } }).values.port),
      );
    case 'exec':
      return execWithBroker(rest[0] === '--' ? rest.slice(1) : rest);
    case 'install':
      say(`Kafka ${kafkaVersion()} jars in ${ensureArtifacts(kafkaVersion(), { log: say })}`);
      return 0;
    default:
      process.stderr.write(`${usage}\n`);
      return command ? 2 : 0;
  }
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new KafkaToolError('bad_port', `--port ${value} is not a port`);
  return port;
}

/**
 * The first SIGINT or SIGTERM. The handlers are installed at once and stay: the broker runs in its own process
 * group, so this process must live to stop it, whether the signal comes during start-up or twice (through `npm
 * run`, Ctrl-C reaches this process from the terminal and from scripts/run.mjs); a signal with no handler left
 * would kill this process and orphan the broker and its data.
 */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (first) return;
        first = signal;
        resolve(signal);
      });
    }
  });
}

async function runForeground(port: number | undefined): Promise<number> {
  if (process.env.KAFKA_BROKERS)
    return (say(`KAFKA_BROKERS is set (${process.env.KAFKA_BROKERS}): nothing to start.`), 0);
  const signalled = untilSignal();
  say(`starting Apache Kafka ${kafkaVersion()} on 127.0.0.1...`);
  const cluster = await startCluster({ port, log: say });
  say(`Apache Kafka ${cluster.version} listens at ${cluster.bootstrap} (log: ${cluster.nodes[0]!.logFile})`);
  say(`use it from another terminal with KAFKA_BROKERS=${cluster.bootstrap}; Ctrl-C stops it`);
  await signalled;
  say('stopping...');
  await cluster.stop();
  say('stopped');
  return 0;
}

async function execWithBroker(command: string[]): Promise<number> {
  const [bin, ...args] = command;
  if (!bin) throw new KafkaToolError('usage', 'exec needs a command: exec -- CMD ARGS');
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  // Installed before the broker starts, so that a signal during start-up cannot kill this process and orphan it.
  let signalled: NodeJS.Signals | undefined;
  const early = (signal: NodeJS.Signals) => (signalled ??= signal);
  process.on('SIGINT', early);
  process.on('SIGTERM', early);
  if (process.env.KAFKA_BROKERS) {
    say(`using KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
  } else {
    say(`starting a local Apache Kafka ${kafkaVersion()} broker for this run...`);
    cluster = await startCluster({ log: say });
    say(`Apache Kafka ${cluster.version} is up at ${cluster.bootstrap}`);
  }
  if (signalled) {
    await cluster?.stop();
    return 130;
  }
  const env = { ...process.env, KAFKA_BROKERS: cluster?.bootstrap ?? process.env.KAFKA_BROKERS };
  const child = spawn(bin, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  if (cluster) {
    say('stopping the local broker...');
    await cluster.stop();
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
