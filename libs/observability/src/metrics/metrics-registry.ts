import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of the app's own prom-client `Registry`. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * A registry per app rather than prom-client's global one, so two apps in one process (the
 * end-to-end tests) keep their metrics apart; with Node's process metrics (`process_*`, `nodejs_*`).
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
