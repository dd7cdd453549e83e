export { judgeMetric, metricSettings, statisticalJudges } from './judgeMetric.ts';
export { judgeVerification, scoreOf } from './judgeVerification.ts';
export type { JudgmentOptions, KayentaScoringOptions } from './options.ts';
export { relativeChange, summarizeSide } from './summary.ts';
export { type OutcomeInput, type VerificationOutcome, verificationOutcome } from './outcome.ts';
export { decidingRule, endsRunByFailFast, mayStopEarly } from './precedence.ts';
export {
  applyEvidence,
  describeEvidenceItem,
  EVIDENCE_POLICIES,
  type EvidenceInput,
  judgeEvidence,
} from './evidence.ts';
