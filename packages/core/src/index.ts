export type * from './model/index.ts';
export type { Judge, JudgeContext } from './judges/judge.ts';
