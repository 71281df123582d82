// The closed loop's settings from the environment (the rules themselves are in the policy: confirm.*, drift.*).
import { z } from 'zod';
import { envBoolean, envInteger, envString, parseConfig, type Env } from '@zendesk-lifecycle/core';

export interface ConfirmSettings {
  /** Run the closed loop in this consumer (CONFIRM_ENABLED, default true). */
  enabled: boolean;
  /**
   * The compacted topic holding what the loop waits for (TOPIC_EXPECTED): expectations of succeeded steps, what
   * our pipeline removed per user, Zendesk events not matched yet. Default `lifecycle.expected`, or
   * `<TOPIC_RESULTS>.expected` when the results topic is renamed.
   */
  topic: string;
  /** How often expectations and waiting events are looked at (CONFIRM_TICK_MS, default 5000). */
  tickMs: number;
}

export function confirmSettingsFromEnv(env: Env, resultsTopic: string): ConfirmSettings {
  const parsed = parseConfig(
    z.object({
      CONFIRM_ENABLED: envBoolean(true),
      TOPIC_EXPECTED: envString(
        resultsTopic === 'lifecycle.results' ? 'lifecycle.expected' : `${resultsTopic}.expected`,
      ),
      CONFIRM_TICK_MS: envInteger(5000, 50),
    }),
    env,
  );
  return { enabled: parsed.CONFIRM_ENABLED, topic: parsed.TOPIC_EXPECTED, tickMs: parsed.CONFIRM_TICK_MS };
}
