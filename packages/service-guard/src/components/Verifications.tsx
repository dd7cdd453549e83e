import { Card, CardBody, CardHeader, Flex, Link, Text } from '@backstage/ui';
import type { DeploymentVerification } from '@vigil/backstage-plugin-service-guard-common';
import { formatTime, verdictLabel, verdictTone } from '../format.ts';
import { StatusLabel } from './StatusLabel.tsx';

/** The rollback run's address, when the Action dispatched one and it is a web address. */
export function rollbackUrlOf(v: DeploymentVerification): string | undefined {
  return safeHttpUrl(v.rollbackRunUrl);
}

function safeHttpUrl(u: string | undefined): string | undefined {
  return u && /^https?:\/\//.test(u) ? u : undefined;
}

/** One verification of the Action as one line of facts, then its reason. */
export function VerificationItem(props: { v: DeploymentVerification }) {
  const { v } = props;
  const run = safeHttpUrl(v.runUrl);
  const rollback = rollbackUrlOf(v);
  return (
    <li data-testid="verification" style={{ listStyle: 'none' }}>
      <Flex direction="column" gap="1">
        <Flex gap="3" align="center" style={{ flexWrap: 'wrap' }}>
          <StatusLabel tone={verdictTone[v.verdict]} label={verdictLabel[v.verdict]} />
          <Text as="span" variant="body-medium" weight="bold">
            {v.version ? `version ${v.version}` : 'unversioned'}
          </Text>
          <Text as="span" variant="body-small" color="secondary">
            {[v.environment, v.strategy, `score ${v.score}`, `finished ${formatTime(v.finishedAt)}`]
              .filter(Boolean)
              .join(', ')}
          </Text>
        </Flex>
        <Text as="p" variant="body-small">
          {v.reason}
        </Text>
        <Flex gap="4">
          {run ? (
            <Link href={run} target="_blank" rel="noopener noreferrer">
              Workflow run
            </Link>
          ) : null}
          {rollback ? (
            <Link href={rollback} target="_blank" rel="noopener noreferrer">
              Rollback run
            </Link>
          ) : null}
          {v.repository && v.commitSha ? (
            <Text as="span" variant="body-small" color="secondary">
              {v.repository}@{v.commitSha.slice(0, 7)}
            </Text>
          ) : null}
        </Flex>
      </Flex>
    </li>
  );
}

/** The deployment verifications the GitHub Action reported, newest first. */
export function Verifications(props: { items: readonly DeploymentVerification[] }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Deployment verifications
        </Text>
      </CardHeader>
      <CardBody>
        {props.items.length === 0 ? (
          <Text as="p" variant="body-medium" color="secondary">
            No deployment verified yet. Add the Vigil step after your deploy step, with its Backstage inputs,
            and each verification will be listed here.
          </Text>
        ) : (
          <ul
            aria-label="deployment verifications"
            style={{ margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 14 }}
          >
            {props.items.map((v) => (
              <VerificationItem key={v.id} v={v} />
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
