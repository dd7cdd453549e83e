import type { Group } from './metric.ts';

/** Log severity, normalised from whatever the provider calls it. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'unknown';

/** One log event as providers deliver it and the log analysis reads it. */
export interface LogEvent {
  /** Epoch milliseconds. */
  t: number;
  /** The message without its header (timestamp, level, logger) where the provider can split it. */
  message: string;
  level: LogLevel;
  /** Instance that emitted it (pod, host), when known. */
  instance?: string;
  group?: Group;
  /** Provider-specific attributes (service, logger, trace id), never used for grouping. */
  attributes?: Record<string, string>;
}
