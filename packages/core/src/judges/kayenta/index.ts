/**
 * Kayenta-compatible mode: the metric classification and scoring of Kayenta's NetflixACAJudge
 * (spinnaker/kayenta, kayenta-judge), re-implemented from its documented behaviour so that a team moving a
 * Kayenta canary config to Vigil gets the same verdicts. transforms.ts prepares each side, classifier.ts
 * labels a metric, scorer.ts scores the canary, judge.ts adapts it all to Vigil's judges.
 *
 * One deliberate difference: where Kayenta adds random Gaussian noise (both sides each a single repeated
 * value), this adds the same noise from a fixed-seed generator, so verdicts are reproducible.
 */
export {
  type KayentaClassification,
  type KayentaEffectSizeConfig,
  type KayentaMetricConfig,
  type KayentaMetricResult,
  kayentaClassifyMetric,
} from './classifier.ts';
export {
  createKayentaJudge,
  kayentaClassifyData,
  kayentaConfigFromDefinition,
  kayentaDirection,
  kayentaJudge,
  kayentaToJudgeResult,
} from './judge.ts';
export {
  type KayentaGroupScore,
  type KayentaScoreConfig,
  type KayentaScoreResult,
  kayentaScore,
} from './scorer.ts';
export { type KayentaNanStrategy, type KayentaOutlierConfig, kayentaTransform } from './transforms.ts';
