import { useId } from 'react';
import { Alert, Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import type { ProblemsSummary, ServiceProblem } from '@vigil/backstage-plugin-service-guard-common';
import { formatTime, secondaryStyle, toneColor } from '../format.ts';
import { ProviderLink } from './ProviderLink.tsx';
import { Details } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';

const KIND: Record<ServiceProblem['kind'], string> = {
  problem: 'Dynatrace problem',
  monitor: 'Datadog monitor',
};

/** What the policy made of the alerts, in words. */
const POLICY: Record<ProblemsSummary['policy'], string> = {
  warn: 'They are shown beside the health and do not change it (the profile\u2019s evidence policy is warn).',
  fail: 'They make the period unhealthy (the profile\u2019s evidence policy is fail).',
  ignore: '',
};

function ProblemItem(props: { problem: ServiceProblem }) {
  const p = props.problem;
  const name = p.displayId ?? p.id;
  const tone = p.status === 'open' ? 'danger' : 'warning';
  return (
    // No list marker: the status dot marks each item, as on the log clusters (a bullet beside it read as
    // two markers). Vendor titles and entity names can be long unbroken strings: they wrap, never overflow.
    <li data-testid="problem" style={{ listStyle: 'none' }}>
      <Flex
        direction="column"
        gap="1"
        style={{ borderLeft: `3px solid ${toneColor(tone)}`, paddingLeft: 12, paddingBlock: 4 }}
      >
        <Flex align="baseline" gap="3" style={{ flexWrap: 'wrap' }}>
          <StatusLabel tone={tone} label={p.status === 'open' ? 'Open' : 'Closed'} />
          {/* The vendor's title is text: React escapes it, so markup in it is shown, never run. */}
          <Text
            as="span"
            variant="body-medium"
            weight="bold"
            style={{ overflowWrap: 'anywhere', minWidth: 0 }}
          >
            {p.title}
          </Text>
        </Flex>
        {/* The primary colour, not the secondary one of other detail lines: this line holds the start time
            and the id, what a reader takes to the provider. */}
        <Text as="p" variant="body-small" style={{ overflowWrap: 'anywhere' }}>
          {KIND[p.kind]} {name}
          {p.severity ? `, severity ${p.severity.toLowerCase()}` : ''}
          {p.impact ? `, impact ${p.impact.toLowerCase()}` : ''}: started {formatTime(p.start)}
          {p.end ? `, closed ${formatTime(p.end)}` : ', still open when read'}
          {p.entities.length > 0 ? `; affects ${p.entities.join(', ')}` : ''}.
        </Text>
        <ProviderLink link={p.link} what={`${KIND[p.kind]} ${name}`} />
      </Flex>
    </li>
  );
}

/**
 * The alerts the monitoring raised on the entity during the period (Dynatrace problems, Datadog monitors in
 * alert), newest first, each with a link to the provider's own page; a provider that could not be read is
 * a warning, never "no problems". Nothing when the profile reads no alerts.
 */
export function Problems(props: { problems: ProblemsSummary | undefined }) {
  const { problems } = props;
  const headingId = useId();
  if (!problems) return null;
  const { items, errors, total } = problems;
  return (
    // A named region, so that assistive technology (and the e2e test) can go to it by its heading.
    <Card role="region" aria-labelledby={headingId}>
      <CardHeader>
        <Text as="h2" variant="title-small" id={headingId}>
          Problems and alerts
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          {errors.map((e) => (
            <Alert
              key={e.provider}
              status="warning"
              title={`The alerts of provider "${e.provider}" could not be read for this period`}
              description={
                <>
                  So it is not known whether it raised any.
                  {problems.policy === 'fail'
                    ? ' The profile lets alerts decide the health, so a period that would be healthy shows no data.'
                    : ' The health is that of the metrics and logs.'}
                  <Details lines={[e.message]} />
                </>
              }
            />
          ))}
          {items.length === 0 ? (
            errors.length === 0 ? (
              <Text as="p" variant="body-medium">
                No problem or monitor alert was raised on this entity during the period (read from{' '}
                {problems.providers.join(', ')}).
              </Text>
            ) : null
          ) : (
            <>
              <Text as="p" variant="body-medium">
                {total === 1 ? '1 alert was' : `${total} alerts were`} raised on this entity during the
                period. {POLICY[problems.policy]}
              </Text>
              <ul
                aria-label="problems"
                style={{ margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 12 }}
              >
                {items.map((p) => (
                  <ProblemItem key={`${p.provider}\u0000${p.kind}\u0000${p.id}`} problem={p} />
                ))}
              </ul>
              {total > items.length ? (
                <Text as="p" variant="body-small" style={secondaryStyle}>
                  The newest {items.length} of {total} are listed.
                </Text>
              ) : null}
            </>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}
