import { assertValidRetryPolicy, type RetryPolicy } from './retry-policy.js';

/** A payload class: class-validator rules on its properties, constructible without arguments. */
export type PayloadClass<P extends object = object> = new () => P;

/**
 * Everything there is to know about a job type, declared once: the producer, the worker,
 * the API documentation and the dashboard all read this.
 */
export interface JobDefinition<N extends string = string, P extends object = object> {
  /** Queue name and REST path segment, kebab-case. */
  readonly name: N;
  readonly payload: PayloadClass<P>;
  readonly retry: RetryPolicy;
  readonly description: string;
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a job type; the name is kept as a literal type so a typo is a compile error. */
export function defineJob<const N extends string, P extends object>(
  definition: JobDefinition<N, P>,
): JobDefinition<N, P> {
  if (!KEBAB_CASE.test(definition.name)) {
    throw new Error(`job type name "${definition.name}" must be kebab-case`);
  }
  assertValidRetryPolicy(definition.name, definition.retry);
  return Object.freeze({ ...definition, retry: Object.freeze({ ...definition.retry }) });
}

export function isKebabCase(name: string): boolean {
  return KEBAB_CASE.test(name);
}
