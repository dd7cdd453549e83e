import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import type { HealthResponse, HealthSnapshot } from '@vigil/backstage-plugin-service-guard-common';
import { formatAgo, formatDuration, formatLocalTime, stateLabel, stateTone, zoneName } from '../format.ts';
import { StatusLabel } from './StatusLabel.tsx';

/** The health now: state, score and the reasons in words, most important first. */
export function HealthSummary(props: {
  current: HealthSnapshot;
  freshness?: HealthResponse['freshness'];
  now: number;
}) {
  const { current } = props;
  const lateBy = props.freshness?.lateByMs ?? 0;
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
          <Text as="p" variant="body-small" color="secondary">
            Period {formatLocalTime(current.periodStart)} to {formatLocalTime(current.periodEnd)} (
            {zoneName(current.periodEnd)}), analysed {formatAgo(current.analysedAt, props.now)}
            {current.profile ? ` with profile "${current.profile}"` : ''}.
          </Text>
          {lateBy > 0 ? (
            <Text as="p" variant="body-medium" color="warning" aria-label="late">
              Analysis is late by {formatDuration(lateBy)}: the latest analysed period is older than the
              schedule promises, so this health may be out of date (see the backend log).
            </Text>
          ) : null}
          {current.reasons.length > 0 ? (
            <ul aria-label="reasons" style={{ margin: 0, paddingLeft: '1.25em' }}>
              {current.reasons.map((r) => (
                <li key={r}>
                  <Text as="span" variant="body-medium">
                    {r}
                  </Text>
                </li>
              ))}
            </ul>
          ) : (
            <Text as="p" variant="body-medium">
              Every metric and the logs look as usual.
            </Text>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}
