export {
  type InstanceSelector,
  type LogQuery,
  logQuery,
  metricQueries,
  type MetricQuery,
  type Plan,
  type PlanContext,
  planVerification,
  providerOf,
  queryVars,
  type ResolvedStrategy,
  selects,
} from './plan.ts';
export { progressLine } from './progress.ts';
export {
  type Progress,
  type RunOptions,
  type RunStatus,
  runVerification,
  type StoredBaseline,
  type VerificationResult,
} from './run.ts';
export { sequentialEvidence } from './sequentialEvidence.ts';
export {
  type BettingResult,
  bettingTest,
  type CountTestResult,
  countExcessTest,
  type MsprtResult,
  msprt,
} from './sequential.ts';
export {
  type Clock,
  type EvidenceFetch,
  type LogFetch,
  type MetricFetch,
  type VerificationSource,
  virtualClock,
} from './source.ts';
