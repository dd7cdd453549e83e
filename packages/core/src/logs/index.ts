export { maskedKey, maskMessage, maskToken, tokenize, WILDCARD } from './masking.ts';
export { templateId } from './hash.ts';
export {
  createTemplateMiner,
  parseMessages,
  type MinedCluster,
  type ShapeRef,
  type TemplateMatch,
  type TemplateMiner,
  type TemplateMinerOptions,
} from './miner.ts';
export { detectLevel, LEVEL_RANK, normaliseLevel } from './level.ts';
export { LogInputError, parseLogText } from './input.ts';
export {
  FEEDBACK_ACTIONS,
  FeedbackError,
  matchFeedback,
  parseFeedback,
  type FeedbackAction,
  type FeedbackRule,
} from './feedback.ts';
export {
  compareLogs,
  LOG_SENSITIVITY,
  riskLevelOf,
  WARN_RISK,
  type CompareLogsOptions,
  type LogClusterClass,
  type LogClusterResult,
  type LogComparison,
  type LogSensitivitySettings,
  type RiskLevel,
  type UnattributedLogs,
} from './compare.ts';
