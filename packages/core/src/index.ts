export type * from './model/index.ts';
export type { Judge, JudgeContext } from './judges/judge.ts';
export * from './engine/index.ts';
export * from './formats/index.ts';
export * from './judgment/index.ts';
export {
  type AbsoluteFloor,
  absoluteFloor,
  SENSITIVITIES,
  sensitivitySettings,
  type SensitivitySettings,
} from './judges/sensitivity.ts';
export * from './units/index.ts';
export * from './report/index.ts';
export * from './spec/index.ts';
export * from './serve/index.ts';
export * from './logs/index.ts';
export {
  ALERT_THRESHOLDS,
  type AnomalyPoint,
  alertThreshold,
  createDetector,
  DEFAULT_SENSITIVITY,
  DEFAULT_TUNING,
  type Detector,
  type DetectorOptions,
  type DetectorState,
  type DetectorTuning,
  parseTimestampValueCsv,
  restoreDetector,
  scoreSeries,
  type TimestampValueRow,
} from './anomaly/index.ts';
export * from './stats/index.ts';
export { judgeRank, pooledValues, RANK_MIN_POINTS, rankJudge } from './judges/rank.ts';
export {
  createKayentaJudge,
  type KayentaClassification,
  type KayentaEffectSizeConfig,
  type KayentaGroupScore,
  type KayentaMetricConfig,
  type KayentaMetricResult,
  type KayentaScoreConfig,
  type KayentaScoreResult,
  kayentaClassifyMetric,
  kayentaConfigFromDefinition,
  kayentaDirection,
  kayentaJudge,
  kayentaScore,
  kayentaToJudgeResult,
} from './judges/kayenta/index.ts';
export { InputError, isUserError, UserError } from './errors.ts';
export { seededRandom } from './random.ts';
export {
  attachEnvSecrets,
  keepEnvSecrets,
  MIN_SECRET_LENGTH,
  Secrets,
  secretsOfProvider,
  secretsOfSpec,
  secretsOfUrl,
} from './secrets.ts';
export * from './notify/index.ts';
