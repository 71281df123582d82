// `npm run consumer -- brake status`: whether the fleet brake is tripped (when, by which instance, which tick),
// the last release, and what the window weighs per action against max_weight.
// `npm run consumer -- brake release --reason "..." [--by NAME]`: the only way to release a tripped brake. The
// release is audited first (an audit notice: who, why, what tripped it); when that cannot be written, nothing is
// released. Then the `state` record says released, and every instance counts afresh.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { AuditPort } from '@zendesk-lifecycle/core';
import { createKafka, loadPolicy, type Logger } from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient, type ZendeskConfig } from '@zendesk-lifecycle/zendesk-client';
import { FleetBrake, type BrakeStatus } from '../brake/fleet-brake.js';
import type { ConsumerSettings } from '../config.js';
import { createAuditTrail } from '../wiring/audit.js';

const USAGE =
  'usage: npm run consumer -- brake status | brake release --reason "why it is safe now" [--by NAME]';

/** The status as lines of text. */
export function describeBrake(status: BrakeStatus): string[] {
  const lines: string[] = [];
  const { tripped, released } = status;
  if (tripped)
    lines.push(
      `brake: TRIPPED at ${tripped.at} by instance ${tripped.by_instance} (tick ${tripped.tick}: the window would ` +
        `have weighed ${tripped.window_weight}); every instance holds until: brake release --reason "..."`,
    );
  else lines.push('brake: not tripped');
  if (released)
    lines.push(`last release: ${released.released_at} by ${released.released_by}: ${released.reason}`);
  lines.push(
    `window: the last ${status.window_seconds} s weigh ${status.window.total} of max ${status.max_weight}`,
  );
  const actions = Object.entries(status.window.by_action).sort(([a], [b]) => a.localeCompare(b));
  for (const [action, weight] of actions) lines.push(`  ${action.padEnd(14)} ${weight}`);
  return lines;
}

export interface BrakeCommandParts {
  settings: ConsumerSettings;
  logger: Logger;
  /** The audit trail a release is recorded in; without one a release is refused. */
  audit?: () => Promise<AuditPort>;
  out?: (line: string) => void;
}

/** Runs `brake status|release`; returns the exit code. */
export async function runBrakeCommand(args: string[], parts: BrakeCommandParts): Promise<number> {
  const out = parts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string' }, by: { type: 'string' } },
  });
  const command = positionals[0];
  if (command !== 'status' && command !== 'release') {
    out(USAGE);
    return 2;
  }
  const reason = values.reason?.trim();
  if (command === 'release' && !reason) {
    out(`brake release needs --reason: why it is safe to act again. ${USAGE}`);
    return 2;
  }
  const { settings, logger } = parts;
  const brake = await FleetBrake.start({
    kafka: createKafka(settings.kafka, logger),
    settings: settings.kafka,
    blastRadius: loadPolicy(settings.policyFile).blast_radius,
    instance: `cli-${settings.instanceId}`,
    logger,
    readOnly: true,
  });
  try {
    const status = brake.status();
    if (command === 'status') {
      for (const line of describeBrake(status)) out(line);
      return 0;
    }
    if (!status.tripped) {
      out('brake: not tripped: nothing to release');
      return 1;
    }
    if (!parts.audit) {
      out('brake release needs the audit trail (the Zendesk settings): nothing released');
      return 2;
    }
    const by = values.by?.trim() || process.env.USER || userInfo().username;
    const audit = await parts.audit();
    if (!audit.notice) {
      out('this audit trail cannot record notices: nothing released');
      return 1;
    }
    try {
      await audit.notice({
        key: `brake-release:${randomUUID()}`,
        kind: 'brake_released',
        title: `The brake was released by ${by}`,
        facts: [
          ['Released by', by],
          ['Reason', reason!],
          ['Tripped at', status.tripped.at],
          ['Tripped by tick', `${status.tripped.tick} (instance ${status.tripped.by_instance})`],
          ['Window weight at the trip', `${status.tripped.window_weight} of max ${status.max_weight}`],
        ],
        attention: false,
      });
    } catch (error) {
      out(`the release could not be audited (${(error as Error).message}): nothing released`);
      return 1;
    }
    const released = await brake.release(by, reason!);
    out(`brake: released at ${released.released_at} by ${released.released_by}: ${released.reason}`);
    return 0;
  } finally {
    await brake.stop();
  }
}

/** main.ts's entry: the audit trail from the environment when Zendesk is configured. */
export function brakeCommand(
  settings: ConsumerSettings,
  zendeskConfig: ZendeskConfig | undefined,
  logger: Logger,
  args: string[],
): Promise<number> {
  return runBrakeCommand(args, {
    settings,
    logger,
    ...(zendeskConfig
      ? {
          audit: async () =>
            (
              await createAuditTrail(
                process.env,
                createZendeskClient({ ...zendeskConfig, logger: logger.child({ component: 'zendesk' }) }),
                logger,
              )
            ).port,
        }
      : {}),
  });
}
