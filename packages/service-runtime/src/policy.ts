// The policy a service runs with: the file named by POLICY_FILE (read once, at start), else the built-in safe one.
import { readFileSync } from 'node:fs';
import { defaultPolicy, parsePolicyText, type Policy } from '@zendesk-lifecycle/core';

/** Reads and validates the policy file; no file means core's default policy. Throws on an invalid file. */
export function loadPolicy(file: string | undefined): Policy {
  return file ? parsePolicyText(readFileSync(file, 'utf8')) : defaultPolicy();
}
