import { Button, Card, CardBody, CardHeader, Flex, Link, Text } from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  DeploymentVerificationSummary,
  VerificationsResponse,
} from '@vigil/backstage-plugin-service-guard-common';
import { useState } from 'react';
import { serviceGuardApiRef } from '../api.ts';
import {
  formatTime,
  loadErrorText,
  verdictLabel,
  verdictTone,
  secondaryStyle,
  toneStyle,
} from '../format.ts';
import { StatusLabel } from './StatusLabel.tsx';

/** The rollback run's address, when the Action dispatched one and it is a web address. */
export function rollbackUrlOf(v: DeploymentVerificationSummary): string | undefined {
  return safeHttpUrl(v.rollbackRunUrl);
}

function safeHttpUrl(u: string | undefined): string | undefined {
  return u && /^https?:\/\//.test(u) ? u : undefined;
}

/** One verification of the Action as one line of facts, then its reason. */
export function VerificationItem(props: { v: DeploymentVerificationSummary }) {
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
          <Text as="span" variant="body-small" style={secondaryStyle}>
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
            <Text as="span" variant="body-small" style={secondaryStyle}>
              {v.repository}@{v.commitSha.slice(0, 7)}
            </Text>
          ) : null}
          <Text as="span" variant="body-small" style={secondaryStyle} aria-label="posted by">
            posted by {v.createdBy}
          </Text>
        </Flex>
      </Flex>
    </li>
  );
}

/** Verifications per page of the tab. */
export const VERIFICATIONS_PAGE = 10;

/**
 * The deployment verifications the GitHub Action reported, newest first: the first page comes with the
 * tab, older ones a page at a time on request.
 */
export function Verifications(props: { entityRef: string; first: VerificationsResponse }) {
  const api = useApi(serviceGuardApiRef);
  const [items, setItems] = useState<DeploymentVerificationSummary[]>(props.first.items);
  const [cursor, setCursor] = useState(props.first.nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.getVerifications(props.entityRef, { limit: VERIFICATIONS_PAGE, cursor });
      setItems((old) => [...old, ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(loadErrorText(e));
    } finally {
      setLoading(false);
    }
  };
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Deployment verifications
        </Text>
      </CardHeader>
      <CardBody>
        {items.length === 0 ? (
          <Text as="p" variant="body-medium" style={secondaryStyle}>
            No deployment verified yet. Add the Vigil step after your deploy step, with its Backstage inputs,
            and each verification will be listed here.
          </Text>
        ) : (
          <Flex direction="column" gap="3">
            <ul
              aria-label="deployment verifications"
              style={{ margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 14 }}
            >
              {items.map((v) => (
                <VerificationItem key={v.id} v={v} />
              ))}
            </ul>
            {error ? (
              <Text as="p" variant="body-small" style={toneStyle('danger')}>
                Could not load older verifications: {error}
              </Text>
            ) : null}
            {cursor ? (
              <Button size="small" variant="secondary" isDisabled={loading} onPress={() => void more()}>
                Show older verifications
              </Button>
            ) : null}
          </Flex>
        )}
      </CardBody>
    </Card>
  );
}
