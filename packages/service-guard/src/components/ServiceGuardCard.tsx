import { Card, CardBody, CardHeader, Flex, Link, Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteParams, entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { serviceGuardApiRef } from '../api.ts';
import { isServiceGuardAvailable } from '../conditions.ts';
import {
  formatAgo,
  formatTime,
  stateLabel,
  stateTone,
  verdictLabel,
  verdictTone,
  secondaryStyle,
} from '../format.ts';
import { useAsyncValue } from '../useAsyncValue.ts';
import { reasonsOf } from './HealthSummary.tsx';
import { LoadError, Loading } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';
import { ANNOTATION_SERVICE_GUARD } from '@vigil/backstage-plugin-service-guard-common';

/** The tab's default path (`service-guard`); an app that configures another path passes it as `tabPath`. */
const TAB_PATH = 'service-guard';

/** The overview card: health badge, the last deployment verification and a link to the tab. */
export function ServiceGuardCard(props: { now?: () => number; tabPath?: string }) {
  const { entity } = useEntity();
  // Undefined where the app mounts no entity page (the card then shows no link rather than a broken one).
  const entityRoute = useRouteRef(entityRouteRef);
  const tabHref = entityRoute
    ? `${entityRoute(entityRouteParams(entity))}/${props.tabPath ?? TAB_PATH}`
    : undefined;
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Service Guard
        </Text>
      </CardHeader>
      <CardBody>
        {isServiceGuardAvailable(entity) ? (
          <Flex direction="column" gap="3">
            <CardContent entityRef={stringifyEntityRef(entity)} now={props.now ?? Date.now} />
            {tabHref ? (
              <Link href={tabHref} variant="body-small">
                Open the Service Guard tab
              </Link>
            ) : null}
          </Flex>
        ) : (
          <Text as="p" variant="body-medium" style={secondaryStyle}>
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
  // The first reason in the tab's plain words (the statistics stay in the tab, under details).
  const reason = current ? reasonsOf(current)[0]?.sentence : undefined;
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
          {reason ? (
            <Text as="p" variant="body-small">
              {reason}
            </Text>
          ) : null}
          <Text as="p" variant="body-x-small" style={secondaryStyle}>
            analysed {formatAgo(current.analysedAt, props.now())}
          </Text>
        </Flex>
      ) : (
        <Text as="p" variant="body-medium" style={secondaryStyle}>
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
          <Text as="p" variant="body-small" style={secondaryStyle}>
            None reported.
          </Text>
        )}
      </Flex>
    </Flex>
  );
}
