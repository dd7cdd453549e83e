/** Words and numbers as the tab shows them: plain functions, so tests can check them directly. */
import type {
  FeedbackAction,
  HealthState,
  LogClusterClass,
  LogsSummary,
  MetricRisk,
  SignalOutcome,
  VerificationVerdict,
} from '@vigil/backstage-plugin-service-guard-common';
import { ServiceGuardApiError } from '@vigil/backstage-plugin-service-guard-common';
import { formatQuantity } from '@vigil/core';

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

/** How much risk a person's feedback says a cluster carries, as a status colour. */
export const feedbackTone: Record<FeedbackAction, Tone> = {
  'not-a-risk-ignore-frequency': 'success',
  'not-a-risk-consider-frequency': 'success',
  medium: 'warning',
  high: 'danger',
};

/**
 * CSS colour of a tone, for its words and its marks alike: @backstage/ui's variables, which follow the light
 * or dark theme. Not its `--bui-fg-danger` family (Text's `color` prop): those are under WCAG AA's 4.5:1 for
 * text on the card (danger 4.0:1 light and 3.3:1 dark, warning 2.5:1 light, success 2.9:1 light). The
 * "subdued" foregrounds meet it in both themes on the card and the page background (4.8:1 or more) and keep
 * the hue: red, orange, green, blue. The fallback is for themes of @backstage/ui before 0.16, which lack them.
 */
export function toneColor(tone: Tone): string {
  return `var(${TONE_VARIABLE[tone]}, var(--bui-fg-${tone}))`;
}

const TONE_VARIABLE: Record<Tone, string> = {
  danger: '--bui-negative-fg-subdued',
  warning: '--bui-warning-fg-subdued',
  success: '--bui-positive-fg-subdued',
  info: '--bui-announcement-fg-subdued',
};

/**
 * CSS colour of secondary text (detail lines, dates, axis labels): @backstage/ui's secondary grey moved a
 * quarter of the way to the primary colour. The theme's own secondary is 4.0:1 on the dark card (#a3a3a3 on
 * #424141), under WCAG AA's 4.5:1; this is 5.2:1 there and 8.2:1 on the light one, and still a step lighter
 * than the primary text in both.
 */
export const secondaryText = 'color-mix(in srgb, var(--bui-fg-secondary) 75%, var(--bui-fg-primary))';

/** Inline style of secondary text, for @backstage/ui's Text and plain elements. */
export const secondaryStyle = { color: secondaryText } as const;

/** Inline style of text in a tone's colour (see `toneColor`). */
export function toneStyle(tone: Tone): { color: string } {
  return { color: toneColor(tone) };
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

/**
 * A value with its metric's unit, written by the core's unit model (`2.1 ms`, `1.78 s`, `4.2%`,
 * `34 errors/min`); a bare number when the metric has no unit.
 */
export function formatValue(x: number, unit: string | undefined): string {
  return formatQuantity(x, unit);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// en-GB with a 24-hour clock: short and unambiguous ("2 Dec, 14:05"), in the reader's own time zone.
const clockFormat = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const zoneFormat = new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short' });

const msOf = (t: number | string) => (typeof t === 'number' ? t : Date.parse(t));

/** `14:05`: the reader's local clock time. */
export function formatClock(t: number | string): string {
  const ms = msOf(t);
  return Number.isFinite(ms) ? clockFormat.format(ms) : String(t);
}

/** `2 Dec, 14:05`: a local date and time for sentences and tooltips. */
export function formatLocalTime(t: number | string): string {
  const ms = msOf(t);
  return Number.isFinite(ms) ? `${dayFormat.format(ms)}, ${clockFormat.format(ms)}` : String(t);
}

/** The reader's time zone at `t` as the browser abbreviates it (`CET`, `GMT+1`, `UTC`), for axis titles. */
export function zoneName(t: number | string): string {
  const ms = msOf(t);
  if (!Number.isFinite(ms)) return '';
  return zoneFormat.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/**
 * `2 Dec, 14:05 CET`: a local date and time with the zone named, for a time that stands alone (a
 * verification's end, a run's period); the tab writes every time in the reader's zone.
 */
export function formatTime(t: number | string): string {
  const ms = msOf(t);
  return Number.isFinite(ms) ? `${formatLocalTime(ms)} ${zoneName(ms)}` : String(t);
}

const TICK_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

/**
 * Times for a time axis from `t0` to `t1` (epoch ms): at most `max` of them, on round steps of the local
 * clock (every 5 min at :00, :05, ...; every 6 h at 00:00, 06:00, ...), so the labels read as clock times.
 */
export function timeTicks(t0: number, t1: number, max = 7): number[] {
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t1 < t0) return [];
  if (t1 === t0) return [t0];
  const span = t1 - t0;
  const step = TICK_STEPS.find((s) => span / s <= Math.max(1, max - 1)) ?? TICK_STEPS.at(-1)!;
  // Round in local time: shift by the zone's offset at t0, round, shift back (whole days align to midnight).
  const offset = new Date(t0).getTimezoneOffset() * MINUTE;
  let t = Math.ceil((t0 - offset) / step) * step + offset;
  const out: number[] = [];
  for (; t <= t1 && out.length < max; t += step) out.push(t);
  return out;
}

/** Round values (1, 2 or 5 times a power of ten apart) for a value axis from `lo` to `hi`, at most `max`. */
export function valueTicks(lo: number, hi: number, max = 4): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo) return Number.isFinite(lo) ? [lo] : [];
  const p = 10 ** Math.floor(Math.log10((hi - lo) / max));
  const count = (s: number) => Math.floor(hi / s + 1e-9) - Math.ceil(lo / s - 1e-9) + 1;
  const step = [1, 2, 5, 10, 20, 50].map((m) => m * p).find((s) => count(s) <= max) ?? 100 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9 && out.length < max; v += step) {
    // Cancel floating-point drift (0.30000000000000004) so labels print round.
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How far a value is from what was expected, in words: `6.3 times`, `40% above`, `25% below`. */
function howFar(value: number, expected: number, unit: string | undefined): string {
  const e = formatValue(expected, unit);
  if (expected > 0 && value >= 0) {
    const ratio = value / expected;
    if (ratio >= 2) return `${Number(ratio.toPrecision(2))} times the expected ${e}`;
    const pct = Math.round(Math.abs(ratio - 1) * 100);
    if (pct >= 1) return `${pct}% ${ratio > 1 ? 'above' : 'below'} the expected ${e}`;
  }
  return `expected ${e}`;
}

/**
 * A metric's period in plain words: what changed, when (local time), by how much, in its unit. Built from
 * the structured fields of the risk; the detector's statistics are in `metricDetails`. A snapshot stored
 * before those fields existed gets its one-line reason.
 */
export function metricSentence(m: MetricRisk): string {
  if (m.outcome === 'no-data') return m.reason;
  if (m.learning) {
    return `${m.metric}: still learning what is normal (${plural(m.points, 'point')} so far), so no verdict yet.`;
  }
  if (m.threshold === undefined) return m.reason;
  const a = m.anomalous;
  if (m.outcome === 'pass') {
    return a
      ? `${m.metric} is normal: ${a.points} of ${m.points} points were outside the expected range, too briefly to count as an anomaly.`
      : `${m.metric} is normal: all ${plural(m.points, 'point')} within the expected range.`;
  }
  const w = m.worst;
  const side = w && w.expected !== null ? (w.value > w.expected ? 'above' : 'below') : 'outside';
  let text = `${m.metric} went ${side} its expected range`;
  if (a) {
    text += ` at ${formatLocalTime(a.first)}`;
    text +=
      a.points > 1
        ? ` and was outside it at ${a.points} of ${m.points} points, until ${formatClock(a.last)}.`
        : ` for one point of ${m.points}.`;
  } else {
    text += '.';
  }
  if (w) {
    text += ` Worst: ${formatValue(w.value, m.unit)} on ${w.instance} at ${formatClock(w.t)}`;
    if (w.expected !== null) text += `, ${howFar(w.value, w.expected, m.unit)}`;
    if (w.lower !== null && w.upper !== null)
      text += ` (range ${formatValue(w.lower, m.unit)} to ${formatValue(w.upper, m.unit)})`;
    text += '.';
  }
  return text;
}

/** The statistics behind a metric's sentence, for a "details" view. */
export function metricDetails(m: MetricRisk): string[] {
  // No statistics for a metric without data or still learning; an older snapshot's line is the sentence.
  if (m.threshold === undefined || m.outcome === 'no-data' || m.learning) return [];
  const out = [
    `Highest anomaly score ${formatNumber(m.risk)}; a point raises an alert from ${formatNumber(m.threshold)} (the metric's sensitivity).`,
    `${plural(m.alerts, 'alert')} raised; ${m.anomalous?.points ?? 0} of ${m.points} points outside the expected band or alerting.`,
  ];
  if (m.worst?.why) out.push(`Detector on the worst point: ${m.worst.why}.`);
  return out;
}

/**
 * The logs of a period in plain words: the new and the unexpectedly frequent kinds of message, how many
 * there were, and the first one's text. The comparison's statistics are in `logsDetails`.
 */
export function logsSentence(logs: LogsSummary): string {
  const fresh = logs.clusters.filter((c) => c.class === 'unknown');
  const frequent = logs.clusters.filter((c) => c.class === 'unexpected-frequency');
  const parts: string[] = [];
  if (fresh.length > 0) {
    const count = fresh.reduce((n, c) => n + c.count, 0);
    const errors = fresh.every((c) => c.level === 'error');
    const first = fresh[0]!.template;
    parts.push(
      `${fresh.length === 1 ? 'a new kind' : `${fresh.length} new kinds`} of ${errors ? 'error ' : ''}message ` +
        `(${plural(count, 'time')}, never seen before), first: \u201c${first.length > 80 ? `${first.slice(0, 79)}\u2026` : first}\u201d`,
    );
  }
  if (frequent.length > 0) {
    parts.push(`${plural(frequent.length, 'kind')} of message more frequent than usual`);
  }
  if (parts.length === 0) return `Logs: ${logs.explanation}`;
  return `Logs: ${parts.join('; ')}. ${logs.totals.period} messages in the period, ${logs.totals.history} in the history before it.`;
}

/** The statistics behind the logs' sentence, for a "details" view. */
export function logsDetails(logs: LogsSummary): string[] {
  return [logs.explanation];
}

/**
 * The refusals any write can meet, in words: a missing permission (403: which one and who grants it) or an
 * expired sign-in (401); undefined for any other answer. `outcome` starts the sentence ("Not started").
 */
export function writeRefusalText(
  e: ServiceGuardApiError,
  outcome: string,
  permission: string,
): string | undefined {
  if (e.status === 403)
    return `${outcome}: you lack the permission ${permission} for this entity. Ask your Backstage admins to grant it in the permission policy.`;
  if (e.status === 401) return `${outcome}: your sign-in has expired. Reload the page to sign in again.`;
  return undefined;
}

/**
 * A failed read in words, by its status, instead of the client's "GET <path>: 403 ..." line (which the
 * caller shows under "details"). Reads answer 404 both for an unknown entity and for one the caller may not
 * read (a 403 would confirm that it exists).
 */
export function loadErrorText(e: unknown): string {
  if (e instanceof ServiceGuardApiError) {
    if (e.status === 401) return 'Your sign-in has expired. Reload the page to sign in again.';
    if (e.status === 403)
      return "Service Guard refused to show this to you: the permission policy does not allow it (reading needs the entity's catalog.entity.read). Ask your Backstage admins to grant it.";
    if (e.status === 404)
      return 'Service Guard does not know this entity, or the catalog does not let you read it.';
    if (e.status === 429) return 'The Service Guard backend is busy. Try again in a moment.';
    if (e.status >= 500)
      return `The Service Guard backend failed (status ${e.status}). Try again in a moment; if it goes on, its log says why.`;
  }
  if (e instanceof TypeError)
    return 'The Service Guard backend could not be reached. Check your connection and try again.';
  return e instanceof Error ? e.message : String(e);
}
