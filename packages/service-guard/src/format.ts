/** Words and numbers as the tab shows them: plain functions, so tests can check them directly. */
import type {
  FeedbackAction,
  HealthState,
  LogClusterClass,
  SignalOutcome,
  VerificationVerdict,
} from '@vigil/backstage-plugin-service-guard-common';

/** A status colour of @backstage/ui (Text `color`, Alert `status`-like). */
export type Tone = 'success' | 'warning' | 'danger' | 'info';

export const stateLabel: Record<HealthState, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  'no-data': 'No data',
};

export const stateTone: Record<HealthState, Tone> = {
  healthy: 'success',
  degraded: 'warning',
  unhealthy: 'danger',
  'no-data': 'info',
};

export const outcomeLabel: Record<SignalOutcome, string> = {
  pass: 'Normal',
  warn: 'Unusual',
  fail: 'Anomalous',
  'no-data': 'No data',
};

export const outcomeTone: Record<SignalOutcome, Tone> = {
  pass: 'success',
  warn: 'warning',
  fail: 'danger',
  'no-data': 'info',
};

export const verdictLabel: Record<VerificationVerdict, string> = {
  pass: 'Passed',
  fail: 'Failed',
  inconclusive: 'Inconclusive',
};

export const verdictTone: Record<VerificationVerdict, Tone> = {
  pass: 'success',
  fail: 'danger',
  inconclusive: 'warning',
};

export const clusterClassLabel: Record<LogClusterClass, string> = {
  known: 'Known',
  unknown: 'New',
  'unexpected-frequency': 'Unexpected frequency',
  gone: 'Gone',
};

export const feedbackLabel: Record<FeedbackAction, string> = {
  'not-a-risk-ignore-frequency': 'Not a risk',
  'not-a-risk-consider-frequency': 'Not a risk unless its frequency changes',
  medium: 'Medium risk',
  high: 'High risk',
};

/** CSS colour of a tone: @backstage/ui's variables, which follow the light or dark theme. */
export function toneColor(tone: Tone): string {
  return `var(--bui-fg-${tone})`;
}

/** A number short enough for an axis or a sentence: 3 significant digits, no exponent for common sizes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2).replace(/\.?0+$/, '');
  if (a === 0) return '0';
  return x.toPrecision(3).replace(/\.?0+$/, '');
}

/** `2026-11-20 14:05 UTC`: times in UTC so that everyone reading the same page sees the same text. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `5 min ago`, `3 h ago`, `2 days ago` relative to `now` (epoch ms); `in the future` for clock skew. */
export function formatAgo(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  if (ms < 0) return 'just now';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** A duration in ms as `25 min`, `3 h` or `2 days`. */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** A risk 0..1 as a percentage. */
export function formatRisk(risk: number): string {
  return `${Math.round(risk * 100)}%`;
}
