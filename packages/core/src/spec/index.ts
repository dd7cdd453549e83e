export { definitionOf, kayentaScoringOf } from './definition.ts';
export {
  type KayentaImport,
  KayentaConfigError,
  type KayentaImportOptions,
  importKayentaConfig,
} from './import/kayenta.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { specJsonSchema } from './jsonSchema.ts';
export {
  formatPath,
  type LoadSpecOptions,
  loadSpec,
  parseYamlLimited,
  SpecError,
  type SpecProblem,
  specVariables,
  VAR_FIELDS,
  validateProviderSpec,
  validateSpec,
} from './load.ts';
export * from './schema.ts';
export {
  expandPreset,
  PRESET_NAMES,
  PRESETS,
  type PresetContext,
  type PresetEntry,
  type PresetMetric,
} from './presets.ts';
