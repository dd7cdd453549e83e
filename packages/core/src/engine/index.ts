export {
  type InstanceSelector,
  type Plan,
  type PlanContext,
  planVerification,
  queryVars,
  type ResolvedStrategy,
  selects,
} from './plan.ts';
export { progressLine } from './progress.ts';
export {
  definitionOf,
  type Progress,
  type RunOptions,
  type RunStatus,
  runVerification,
  type StoredBaseline,
  sequentialEvidence,
  type VerificationResult,
} from './run.ts';
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
