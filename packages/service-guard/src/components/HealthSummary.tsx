import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import type { HealthSnapshot } from '@vigil/backstage-plugin-service-guard-common';
import { formatAgo, formatTime, stateLabel, stateTone } from '../format.ts';
import { StatusLabel } from './StatusLabel.tsx';

/** The health now: state, score and the reasons in words, most important first. */
export function HealthSummary(props: { current: HealthSnapshot; now: number }) {
  const { current } = props;
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
            Period {formatTime(current.periodStart)} to {formatTime(current.periodEnd)}, analysed{' '}
            {formatAgo(current.analysedAt, props.now)}
            {current.profile ? ` with profile "${current.profile}"` : ''}.
          </Text>
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
