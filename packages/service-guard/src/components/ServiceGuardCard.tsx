import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { serviceGuardApiRef } from '../api.ts';
import { isServiceGuardAvailable } from '../conditions.ts';
import { formatAgo, formatTime, stateLabel, stateTone, verdictLabel, verdictTone } from '../format.ts';
import { useAsyncValue } from '../useAsyncValue.ts';
import { LoadError, Loading } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';
import { ANNOTATION_SERVICE_GUARD } from '@vigil/backstage-plugin-service-guard-common';

/** The overview card: health badge and the last deployment verification. */
export function ServiceGuardCard(props: { now?: () => number }) {
  const { entity } = useEntity();
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Service Guard
        </Text>
      </CardHeader>
      <CardBody>
        {isServiceGuardAvailable(entity) ? (
          <CardContent entityRef={stringifyEntityRef(entity)} now={props.now ?? Date.now} />
        ) : (
          <Text as="p" variant="body-medium" color="secondary">
            Not watched. Add the annotation <code>{ANNOTATION_SERVICE_GUARD}</code> to opt in.
          </Text>
        )}
      </CardBody>
    </Card>
  );
}

function CardContent(props: { entityRef: string; now: () => number }) {
  const api = useApi(serviceGuardApiRef);
  const [state, reload] = useAsyncValue(
    () =>
      Promise.all([
        api.getHealth(props.entityRef, { limit: 1 }),
        api.getVerifications(props.entityRef, { limit: 1 }),
      ]),
    props.entityRef,
  );
  if (state.status === 'loading') return <Loading label="Loading Service Guard health" />;
  if (state.status === 'error') return <LoadError error={state.error} onRetry={reload} />;
  const [health, verifications] = state.value;
  const current = health.current;
  const last = verifications.items[0];
  return (
    <Flex direction="column" gap="3" data-testid="service-guard-card">
      {current ? (
        <Flex direction="column" gap="1">
          <Flex align="center" gap="3">
            <StatusLabel tone={stateTone[current.state]} label={stateLabel[current.state]} size="large" />
            {current.score !== null ? (
              <Text as="span" variant="body-medium">
                score {current.score} / 100
              </Text>
            ) : null}
          </Flex>
          {current.reasons[0] ? (
            <Text as="p" variant="body-small">
              {current.reasons[0]}
            </Text>
          ) : null}
          <Text as="p" variant="body-x-small" color="secondary">
            analysed {formatAgo(current.analysedAt, props.now())}
          </Text>
        </Flex>
      ) : (
        <Text as="p" variant="body-medium" color="secondary">
          Not analysed yet.
        </Text>
      )}
      <Flex direction="column" gap="1">
        <Text as="h3" variant="body-medium" weight="bold">
          Last verification
        </Text>
        {last ? (
          <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
            <StatusLabel tone={verdictTone[last.verdict]} label={verdictLabel[last.verdict]} />
            <Text as="span" variant="body-small">
              {last.version ? `version ${last.version}, ` : ''}
              {formatTime(last.finishedAt)}
            </Text>
          </Flex>
        ) : (
          <Text as="p" variant="body-small" color="secondary">
            None reported.
          </Text>
        )}
      </Flex>
    </Flex>
  );
}
