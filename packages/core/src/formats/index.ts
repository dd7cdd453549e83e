export { csvField, csvLine, parseCsv } from './csv.ts';
export { seriesFromCsv } from './seriesCsv.ts';
export { parseTimestamp } from './time.ts';
export { NUMBER_SPELLINGS, parseNumberText } from './number.ts';
