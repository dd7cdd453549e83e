import { Text } from '@backstage/ui';
import { isAnomalousPoint, type MetricRisk } from '@vigil/backstage-plugin-service-guard-common';
import {
  formatClock,
  formatLocalTime,
  formatValue,
  metricDetails,
  metricSentence,
  outcomeLabel,
  outcomeTone,
  timeTicks,
  valueTicks,
  zoneName,
  secondaryStyle,
  secondaryText,
  toneColor,
} from '../format.ts';
import { type MetricPoint, pointsOf } from '../series.ts';
import { Details } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';

const W = 640;
const H = 170;
/** Room for the value labels (with their unit) on the left and the clock times below. */
const PAD = { left: 84, right: 12, top: 10, bottom: 22 };
const LABEL = { fontSize: 10, fill: secondaryText } as const;

/** Lower and upper ends of the value axis: every value and bound drawn, with 5% room. */
export function valueDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

const valueText = (m: MetricRisk, v: number) => formatValue(v, m.unit);

/** The whole period: each instance's values, the band of the expected range, anomalous points as red rings. */
function SeriesChart(props: { metric: MetricRisk; points: MetricPoint[] }) {
  const { metric, points } = props;
  const times = points.map((p) => p.t);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const [lo, hi] = valueDomain(
    points.flatMap((p) => [p.value, p.lower ?? Number.NaN, p.upper ?? Number.NaN, p.expected ?? Number.NaN]),
  );
  const x = (t: number) => PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + ((hi - v) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const byInstance = new Map<string, MetricPoint[]>();
  for (const p of points) {
    const list = byInstance.get(p.instance) ?? [];
    list.push(p);
    byInstance.set(p.instance, list);
  }
  const bands: string[] = [];
  for (const list of byInstance.values()) {
    const withBand = list.filter((p) => p.lower !== null && p.upper !== null).sort((a, b) => a.t - b.t);
    if (withBand.length < 2) continue;
    const top = withBand.map((p) => `${x(p.t).toFixed(1)},${y(p.upper!).toFixed(1)}`);
    const bottom = withBand.map((p) => `${x(p.t).toFixed(1)},${y(p.lower!).toFixed(1)}`).reverse();
    bands.push([...top, ...bottom].join(' '));
  }
  // Every anomalous point alike (the detector alerts once per excursion; see isAnomalousPoint).
  const marked = points.filter((p) => isAnomalousPoint(p, metric.direction));
  const label =
    `${metric.metric}: ${points.length} points from ${formatLocalTime(t0)} to ${formatLocalTime(t1)} ` +
    `(${zoneName(t0)}), values ${valueText(metric, lo)} to ${valueText(metric, hi)}; ` +
    `${marked.length} anomalous points outside the expected band.`;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={label} data-testid="metric-chart">
      <title>{label}</title>
      <ValueAxis lo={lo} hi={hi} y={y} metric={metric} />
      <TimeAxis t0={t0} t1={t1} x={x} />
      {bands.map((b) => (
        <polygon key={b} points={b} fill="var(--bui-fg-info)" fillOpacity={0.15} stroke="none" />
      ))}
      {[...byInstance.entries()].map(([instance, list]) => (
        <polyline
          key={instance}
          fill="none"
          stroke="var(--bui-fg-primary)"
          strokeOpacity={0.8}
          strokeWidth={1.25}
          points={[...list]
            .sort((a, b) => a.t - b.t)
            .map((p) => `${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`)
            .join(' ')}
        />
      ))}
      {marked.map((p) => (
        <circle
          key={`${p.instance}@${p.t}`}
          data-testid="anomaly-marker"
          cx={x(p.t)}
          cy={y(p.value)}
          r={3.5}
          fill="none"
          stroke="var(--bui-fg-danger)"
          strokeWidth={1.75}
        >
          <title>{`${p.instance} ${formatLocalTime(p.t)}: ${valueText(metric, p.value)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

/** Round values with the metric's unit, and faint grid lines across the plot at them. */
function ValueAxis(props: { lo: number; hi: number; y: (v: number) => number; metric: MetricRisk }) {
  return (
    <g data-testid="value-axis">
      {valueTicks(props.lo, props.hi).map((v) => (
        <g key={v}>
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={props.y(v)}
            y2={props.y(v)}
            stroke="var(--bui-border-1, #8884)"
            strokeOpacity={0.6}
          />
          <text x={PAD.left - 6} y={props.y(v) + 3.5} textAnchor="end" {...LABEL}>
            {valueText(props.metric, v)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Local clock times on round steps along the bottom, with the time zone named at the far left. */
function TimeAxis(props: { t0: number; t1: number; x: (t: number) => number }) {
  const ticks = timeTicks(props.t0, props.t1);
  const base = H - PAD.bottom;
  return (
    <g data-testid="time-axis">
      <line x1={PAD.left} x2={W - PAD.right} y1={base} y2={base} stroke="var(--bui-border-1, #8884)" />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={props.x(t)} x2={props.x(t)} y1={base} y2={base + 4} stroke="var(--bui-fg-secondary)" />
          <text x={props.x(t)} y={H - 6} textAnchor="middle" {...LABEL}>
            {formatClock(t)}
          </text>
        </g>
      ))}
      {/* At the far left, clear of a first tick on the axis's start. */}
      <text x={2} y={H - 6} {...LABEL}>
        {zoneName(props.t0)}
      </text>
    </g>
  );
}

/**
 * The worst point of the period against the detector's band and expectation: a band (the expected range),
 * a tick (the expected value) and a marker (the value; a red ring when it raised an alert).
 */
function WorstPointChart(props: { metric: MetricRisk; worst: NonNullable<MetricRisk['worst']> }) {
  const { metric, worst } = props;
  const alert = metric.alerts > 0;
  const [lo, hi] = valueDomain([
    worst.value,
    worst.lower ?? Number.NaN,
    worst.upper ?? Number.NaN,
    worst.expected ?? Number.NaN,
  ]);
  const h = 76;
  const x = (v: number) => PAD.left + ((v - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  // The expected value is named above the band, the axis ends below it, so the labels never overlap.
  const mid = 38;
  const band =
    worst.lower !== null && worst.upper !== null ? { from: x(worst.lower), to: x(worst.upper) } : null;
  const v = (n: number) => valueText(metric, n);
  const label =
    `${metric.metric}: most anomalous value ${v(worst.value)} on ${worst.instance} at ${formatLocalTime(worst.t)}` +
    (worst.expected !== null ? `, expected ${v(worst.expected)}` : ', no expectation yet') +
    (band ? ` (band ${v(worst.lower!)} to ${v(worst.upper!)})` : '') +
    (alert ? '; outside the band: anomaly.' : '.');
  return (
    <svg viewBox={`0 0 ${W} ${h}`} width="100%" role="img" aria-label={label} data-testid="metric-chart">
      <title>{label}</title>
      <line x1={PAD.left} x2={W - PAD.right} y1={mid} y2={mid} stroke="var(--bui-border-1, #8884)" />
      {band ? (
        <rect
          x={band.from}
          y={mid - 10}
          width={Math.max(1, band.to - band.from)}
          height={20}
          fill="var(--bui-fg-info)"
          fillOpacity={0.18}
          stroke="var(--bui-fg-info)"
          strokeOpacity={0.5}
        />
      ) : null}
      {worst.expected !== null ? (
        <line
          x1={x(worst.expected)}
          x2={x(worst.expected)}
          y1={mid - 14}
          y2={mid + 14}
          stroke="var(--bui-fg-info)"
          strokeWidth={2}
        />
      ) : null}
      <circle
        data-testid={alert ? 'anomaly-marker' : 'value-marker'}
        cx={x(worst.value)}
        cy={mid}
        r={6}
        fill={alert ? 'none' : 'var(--bui-fg-primary)'}
        stroke={alert ? 'var(--bui-fg-danger)' : 'var(--bui-fg-primary)'}
        strokeWidth={2.5}
      />
      <text x={PAD.left} y={h - 6} fontSize="11" fill={secondaryText}>
        {v(lo)}
      </text>
      <text x={W - PAD.right} y={h - 6} fontSize="11" textAnchor="end" fill={secondaryText}>
        {v(hi)}
      </text>
      {worst.expected !== null ? (
        <text x={x(worst.expected)} y={12} fontSize="11" textAnchor="middle" fill={toneColor('info')}>
          expected {v(worst.expected)}
        </text>
      ) : null}
    </svg>
  );
}

/** One metric: outcome in words, its sentence with the numbers, and a chart. */
export function MetricChart(props: { metric: MetricRisk }) {
  const { metric } = props;
  const points = pointsOf(metric);
  return (
    <section
      aria-label={`metric ${metric.metric}`}
      style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
    >
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 12, flexWrap: 'wrap' }}>
        <Text as="h3" variant="body-large" weight="bold">
          {metric.metric}
        </Text>
        <StatusLabel tone={outcomeTone[metric.outcome]} label={outcomeLabel[metric.outcome]} />
        <Text as="span" variant="body-small" style={secondaryStyle}>
          {metric.kind}, {metric.direction.replaceAll('-', ' ')}
          {metric.points > 0
            ? `, ${metric.anomalous?.points ?? metric.alerts} of ${metric.points} points anomalous`
            : ''}
        </Text>
      </div>
      <Text as="p" variant="body-small">
        {metricSentence(metric)}
      </Text>
      <Details lines={metricDetails(metric)} />
      {points.length > 0 ? (
        <SeriesChart metric={metric} points={points} />
      ) : metric.worst ? (
        <WorstPointChart metric={metric} worst={metric.worst} />
      ) : (
        <Text as="p" variant="body-small" style={secondaryStyle}>
          No point to draw for this period.
        </Text>
      )}
    </section>
  );
}
