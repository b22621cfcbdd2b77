import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '@app/config';

const LEVELS: readonly NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const NEST_LEVEL: Record<LogLevel, NestLogLevel> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  info: 'log',
  debug: 'debug',
  trace: 'verbose',
};

/** Nest's logger in JSON mode (one object per line), showing `level` and everything above it. */
export function createAppLogger(level: LogLevel): ConsoleLogger {
  const threshold = LEVELS.indexOf(NEST_LEVEL[level]);
  return new ConsoleLogger({ json: true, colors: false, logLevels: LEVELS.slice(0, threshold + 1) });
}
