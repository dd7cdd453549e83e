export { formatChange, formatJudgmentText, formatValue } from './text.ts';
