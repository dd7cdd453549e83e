export type * from './metric.ts';
export type * from './verdict.ts';
