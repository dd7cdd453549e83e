export type * from './evidence.ts';
export type * from './log.ts';
export type * from './metric.ts';
export type * from './verdict.ts';
