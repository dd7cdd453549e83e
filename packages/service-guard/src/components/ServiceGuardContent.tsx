import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useState } from 'react';
import { serviceGuardApiRef } from '../api.ts';
import { isServiceGuardAvailable } from '../conditions.ts';
import { useAsyncValue } from '../useAsyncValue.ts';
import { HealthSummary } from './HealthSummary.tsx';
import { LogClusters } from './LogClusters.tsx';
import { MetricChart } from './MetricChart.tsx';
import { Problems } from './Problems.tsx';
import { RiskTimeline } from './RiskTimeline.tsx';
import { ProviderLink } from './ProviderLink.tsx';
import { RunNow } from './RunNow.tsx';
import { LoadError, Loading, NotAnalysedYet, OptIn } from './States.tsx';
import { VERIFICATIONS_PAGE, Verifications } from './Verifications.tsx';
import { secondaryStyle } from '../format.ts';

/** Periods shown in the risk timeline. */
const HISTORY = 48;

/** The "Service Guard" tab of an entity page. */
export function ServiceGuardContent(props: { now?: () => number }) {
  const { entity } = useEntity();
  if (!isServiceGuardAvailable(entity)) return <OptIn entityName={entity.metadata.name} />;
  return <WithRunNow entityRef={stringifyEntityRef(entity)} now={props.now ?? Date.now} />;
}

/** "Run now" above the tab; a finished run loads the tab again (the button keeps its result). */
function WithRunNow(props: { entityRef: string; now: () => number }) {
  const [generation, setGeneration] = useState(0);
  return (
    <Flex direction="column" gap="3">
      <RunNow entityRef={props.entityRef} onDone={() => setGeneration((g) => g + 1)} />
      <ServiceGuardTab key={generation} entityRef={props.entityRef} now={props.now} />
    </Flex>
  );
}

function ServiceGuardTab(props: { entityRef: string; now: () => number }) {
  const api = useApi(serviceGuardApiRef);
  const { entityRef } = props;
  const [state, reload] = useAsyncValue(
    () =>
      Promise.all([
        api.getHealth(entityRef, { limit: HISTORY }),
        api.getVerifications(entityRef, { limit: VERIFICATIONS_PAGE }),
      ]),
    entityRef,
  );
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <LoadError error={state.error} onRetry={reload} />;
  const [health, verifications] = state.value;
  const current = health.current;
  return (
    <Flex direction="column" gap="4" data-testid="service-guard-tab">
      {current ? (
        <HealthSummary current={current} freshness={health.freshness} now={props.now()} />
      ) : (
        <NotAnalysedYet />
      )}
      {health.history.length > 0 ? <RiskTimeline history={health.history} /> : null}
      {current ? (
        <Card>
          <CardHeader>
            <Text as="h2" variant="title-small">
              Metrics
            </Text>
          </CardHeader>
          <CardBody>
            {current.metrics.length === 0 ? (
              <Text as="p" variant="body-medium" style={secondaryStyle}>
                No metric was analysed in this period.
              </Text>
            ) : (
              <Flex direction="column" gap="5">
                {[...current.metrics]
                  .sort((a, b) => b.risk - a.risk)
                  .map((m) => (
                    <Flex key={m.metric} direction="column" gap="1">
                      <MetricChart metric={m} />
                      <ProviderLink link={m.link} what={`the query of ${m.metric}`} />
                    </Flex>
                  ))}
              </Flex>
            )}
          </CardBody>
        </Card>
      ) : null}
      {current ? <Problems problems={current.problems} /> : null}
      {current ? <LogClusters entityRef={entityRef} logs={current.logs} feedback={health.feedback} /> : null}
      <Verifications entityRef={entityRef} first={verifications} />
    </Flex>
  );
}
