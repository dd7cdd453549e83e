export { buildReport, perMinuteMean, type ReportContext } from './build.ts';
export { renderHtml } from './html.ts';
export { md as escapeMarkdown, renderMarkdown, SCORE_AND_RISK } from './markdown.ts';
export {
  type Report,
  type ReportLogCluster,
  type ReportMetric,
  reportJsonSchema,
  reportSchema,
} from './schema.ts';
export { downsample, sparkline } from './sparkline.ts';
export { formatChange, formatJudgmentText, formatValue } from './text.ts';
