export { maskMessage, maskToken, tokenize, WILDCARD } from './masking.ts';
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
