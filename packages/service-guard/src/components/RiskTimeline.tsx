import { Card, CardBody, CardHeader, Text } from '@backstage/ui';
import type { HealthHistoryEntry } from '@vigil/backstage-plugin-service-guard-common';
import {
  formatClock,
  formatLocalTime,
  stateLabel,
  stateTone,
  timeTicks,
  toneColor,
  zoneName,
  secondaryText,
} from '../format.ts';

const W = 640;
const H = 160;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** Which periods to name in the timeline's description: where the state changed. */
export function stateChanges(oldestFirst: readonly HealthHistoryEntry[]): string[] {
  const out: string[] = [];
  let prev: HealthHistoryEntry | undefined;
  for (const e of oldestFirst) {
    if (prev && prev.state !== e.state) {
      out.push(`${stateLabel[e.state].toLowerCase()} from ${formatLocalTime(e.periodStart)}`);
    }
    prev = e;
  }
  return out;
}

/**
 * The score of every analysed period, oldest on the left, each dot coloured and labelled by its state, at
 * its period's middle on a time axis of local clock times (a period missing from the history is a gap).
 */
export function RiskTimeline(props: { history: readonly HealthHistoryEntry[] }) {
  const entries = [...props.history].reverse();
  const n = entries.length;
  const mid = (e: HealthHistoryEntry) => (Date.parse(e.periodStart) + Date.parse(e.periodEnd)) / 2;
  const t0 = n > 0 ? Date.parse(entries[0]!.periodStart) : 0;
  const t1 = n > 0 ? Date.parse(entries[n - 1]!.periodEnd) : 1;
  const tx = (t: number) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.left - PAD.right);
  const x = (i: number) => tx(mid(entries[i]!));
  const y = (score: number) => PAD.top + ((100 - score) * (H - PAD.top - PAD.bottom)) / 100;
  const scored = entries.map((e, i) => ({ e, i })).filter((p) => p.e.score !== null);
  const path = scored
    .map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.i).toFixed(1)},${y(p.e.score!).toFixed(1)}`)
    .join(' ');
  const changes = stateChanges(entries);
  const last = entries[n - 1];
  const description =
    n === 0
      ? 'No analysed periods yet.'
      : `Health score over the last ${n} periods. Now ${stateLabel[last!.state].toLowerCase()}` +
        `${last!.score === null ? '' : ` at ${last!.score}`}. ` +
        (changes.length > 0 ? `Changes: ${changes.join('; ')}.` : 'No change of state.');
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Risk timeline
        </Text>
      </CardHeader>
      <CardBody>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          width="100%"
          role="img"
          aria-label={description}
          data-testid="risk-timeline"
          style={{ maxHeight: 200, display: 'block' }}
        >
          <title>{description}</title>
          {[0, 50, 100].map((s) => (
            <g key={s}>
              <line
                x1={PAD.left}
                x2={W - PAD.right}
                y1={y(s)}
                y2={y(s)}
                stroke="var(--bui-border-1, #8884)"
                strokeDasharray={s === 50 ? '4 4' : undefined}
              />
              <text x={PAD.left - 6} y={y(s) + 4} textAnchor="end" fontSize="11" fill={secondaryText}>
                {s}
              </text>
            </g>
          ))}
          {path ? <path d={path} fill="none" stroke="var(--bui-fg-secondary)" strokeWidth={1.5} /> : null}
          {entries.map((e, i) => (
            <circle
              key={e.periodStart}
              cx={x(i)}
              cy={e.score === null ? y(0) : y(e.score)}
              r={4}
              fill={e.state === 'no-data' ? 'none' : toneColor(stateTone[e.state])}
              stroke={toneColor(stateTone[e.state])}
              strokeWidth={1.5}
            >
              <title>
                {`${formatLocalTime(e.periodStart)}: ${stateLabel[e.state]}${e.score === null ? '' : `, score ${e.score}`}`}
              </title>
            </circle>
          ))}
          {n > 0 ? (
            <g data-testid="time-axis">
              {timeTicks(t0, t1).map((t) => (
                <g key={t}>
                  <line
                    x1={tx(t)}
                    x2={tx(t)}
                    y1={H - PAD.bottom}
                    y2={H - PAD.bottom + 4}
                    stroke="var(--bui-fg-secondary)"
                  />
                  <text x={tx(t)} y={H - 8} fontSize="11" textAnchor="middle" fill={secondaryText}>
                    {formatClock(t)}
                  </text>
                </g>
              ))}
              <text x={2} y={H - 8} fontSize="11" fill={secondaryText}>
                {zoneName(t0)}
              </text>
            </g>
          ) : null}
        </svg>
      </CardBody>
    </Card>
  );
}
