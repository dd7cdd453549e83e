export type * from './model/index.ts';
export type { Judge, JudgeContext } from './judges/judge.ts';
export * from './formats/index.ts';
export * from './report/index.ts';
export * from './spec/index.ts';
