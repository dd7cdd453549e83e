import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import {
  concerns,
  type HealthResponse,
  type HealthSnapshot,
} from '@vigil/backstage-plugin-service-guard-common';
import {
  formatAgo,
  formatDuration,
  formatLocalTime,
  logsDetails,
  logsSentence,
  metricDetails,
  metricSentence,
  stateLabel,
  stateTone,
  zoneName,
  secondaryStyle,
  toneStyle,
} from '../format.ts';
import { Details } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';

/** One reason: a plain sentence, and the statistics behind it under "details". */
interface Reason {
  sentence: string;
  details: string[];
}

/**
 * Why the health is what it is, most important first: the failing and warning signals (in the backend's
 * order), then the signals without data. A snapshot without signals (an annotation naming no profile)
 * keeps its stored reasons, which are plain sentences already.
 */
export function reasonsOf(s: Pick<HealthSnapshot, 'metrics' | 'logs' | 'reasons' | 'problems'>): Reason[] {
  if (s.metrics.length === 0 && s.logs === null) return s.reasons.map((r) => ({ sentence: r, details: [] }));
  const p = s.problems;
  const alerts = (n: number) => (n === 1 ? '1 alert was' : `${n} alerts were`);
  const out: Reason[] = concerns(s.metrics, s.logs).map((c) =>
    c.kind === 'metric'
      ? { sentence: metricSentence(c.metric), details: metricDetails(c.metric) }
      : { sentence: logsSentence(c.logs), details: logsDetails(c.logs) },
  );
  const missing = s.metrics.filter((m) => m.outcome === 'no-data');
  if (missing.length > 0) {
    out.push({
      sentence: `No data for ${missing.map((m) => m.metric).join(', ')}.`,
      details: missing.map((m) => m.reason),
    });
  }
  if (s.logs?.outcome === 'no-data')
    out.push({ sentence: 'No data for the logs.', details: [s.logs.explanation] });
  // The alerts decide the health under the profile's evidence policy fail; under warn they are named last.
  if (p?.outcome === 'fail') {
    out.unshift({
      sentence: `${alerts(p.total)} raised on this entity during the period, and the profile makes alerts fail the health (see Problems and alerts).`,
      details: [p.explanation],
    });
  } else if (p?.outcome === 'no-data' && p.policy === 'fail') {
    out.unshift({
      sentence: `The alerts could not be read from ${p.errors.map((e) => e.provider).join(', ')}, and the profile lets alerts decide the health.`,
      details: p.errors.map((e) => `${e.provider}: ${e.message}`),
    });
  } else if (p?.outcome === 'warn') {
    out.push({
      sentence: `${alerts(p.total)} raised on this entity during the period (see Problems and alerts).`,
      details: [p.explanation],
    });
  }
  return out;
}

/** What the tab says when no signal is a concern. */
export const ALL_USUAL = 'Every metric and the logs look as usual.';

/** The health now: state, score and the reasons in words, most important first. */
export function HealthSummary(props: {
  current: HealthSnapshot;
  freshness?: HealthResponse['freshness'];
  now: number;
}) {
  const { current } = props;
  const lateBy = props.freshness?.lateByMs ?? 0;
  const reasons = reasonsOf(current);
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Health now
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          <Flex align="center" gap="4">
            <StatusLabel tone={stateTone[current.state]} label={stateLabel[current.state]} size="large" />
            <Text as="span" variant="title-small" aria-label="score">
              {current.score === null ? 'no score' : `score ${current.score} / 100`}
            </Text>
          </Flex>
          <Text as="p" variant="body-small" style={secondaryStyle}>
            Period {formatLocalTime(current.periodStart)} to {formatLocalTime(current.periodEnd)} (
            {zoneName(current.periodEnd)}), analysed {formatAgo(current.analysedAt, props.now)}
            {current.profile ? ` with profile "${current.profile}"` : ''}.
          </Text>
          {lateBy > 0 ? (
            <Text as="p" variant="body-medium" style={toneStyle('warning')} aria-label="late">
              Analysis is late by {formatDuration(lateBy)}: the latest analysed period is older than the
              schedule promises, so this health may be out of date (see the backend log).
            </Text>
          ) : null}
          {reasons.length > 0 ? (
            <ul aria-label="reasons" style={{ margin: 0, paddingLeft: '1.25em' }}>
              {reasons.map((r) => (
                <li key={r.sentence}>
                  <Text as="span" variant="body-medium">
                    {r.sentence}
                  </Text>
                  <Details lines={r.details} />
                </li>
              ))}
            </ul>
          ) : (
            <Text as="p" variant="body-medium">
              {ALL_USUAL}
            </Text>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}
