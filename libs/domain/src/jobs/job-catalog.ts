import { AlertJob } from './alert/alert.job.js';
import { EmailJob } from './email/email.job.js';
import type { JobDefinition } from './job-definition.js';
import { OtaTimeoutJob } from './ota-timeout/ota-timeout.job.js';

/**
 * Every job type the service knows. The producer accepts exactly these; a worker hosts those
 * whose processor modules it imports, and refuses to start if one is hosted twice.
 * `npm run new:job -- <name>` adds to this list.
 */
export const JOB_DEFINITIONS = [
  OtaTimeoutJob,
  AlertJob,
  EmailJob,
] as const;

export type AnyJobDefinition = (typeof JOB_DEFINITIONS)[number];
export type JobName = AnyJobDefinition['name'];
export type JobPayload<N extends JobName> =
  Extract<AnyJobDefinition, { name: N }> extends JobDefinition<N, infer P> ? P : never;

const BY_NAME: ReadonlyMap<string, AnyJobDefinition> = new Map(JOB_DEFINITIONS.map((d) => [d.name, d]));
if (BY_NAME.size !== JOB_DEFINITIONS.length) {
  throw new Error('two job definitions share a name');
}

export function findJobDefinition(name: string): AnyJobDefinition | undefined {
  return BY_NAME.get(name);
}

export function getJobDefinition<N extends JobName>(name: N): Extract<AnyJobDefinition, { name: N }> {
  return BY_NAME.get(name) as Extract<AnyJobDefinition, { name: N }>;
}

export function isJobName(name: string): name is JobName {
  return BY_NAME.has(name);
}
