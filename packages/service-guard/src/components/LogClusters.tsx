import { Alert, Button, Card, CardBody, CardHeader, Flex, Text, TextField } from '@backstage/ui';
import { usePermission } from '@backstage/plugin-permission-react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  type FeedbackAction,
  type LogCluster,
  type LogClusterFeedback,
  type LogsSummary,
  ServiceGuardApiError,
  serviceGuardFeedbackCreatePermission,
} from '@vigil/backstage-plugin-service-guard-common';
import { useState } from 'react';
import { serviceGuardApiRef } from '../api.ts';
import {
  clusterClassLabel,
  feedbackLabel,
  feedbackTone,
  formatLocalTime,
  formatRisk,
  logsDetails,
  logsSentence,
  outcomeLabel,
  outcomeTone,
  writeRefusalText,
  secondaryStyle,
  toneStyle,
  toneColor,
} from '../format.ts';
import { Details } from './States.tsx';
import { StatusLabel } from './StatusLabel.tsx';

const ACTIONS: FeedbackAction[] = [
  'not-a-risk-ignore-frequency',
  'not-a-risk-consider-frequency',
  'medium',
  'high',
];

/** The clusters a person should look at first: new and unexpectedly frequent ones, then the rest by risk. */
export function orderClusters(clusters: readonly LogCluster[]): {
  attention: LogCluster[];
  known: LogCluster[];
} {
  const needs = (c: LogCluster) => c.class === 'unknown' || c.class === 'unexpected-frequency' || c.risk > 0;
  const byRisk = (a: LogCluster, b: LogCluster) => b.risk - a.risk || b.count - a.count;
  return {
    attention: clusters.filter(needs).sort(byRisk),
    known: clusters.filter((c) => !needs(c)).sort(byRisk),
  };
}

/**
 * A failed feedback post in words. The form shows only when the frontend's permission check allows it, but
 * the backend decides per entity, so a 403 still happens: say which permission is missing and who grants it
 * rather than the client's "POST <path>: 403" line.
 */
export function feedbackErrorText(e: unknown): string {
  if (e instanceof ServiceGuardApiError) {
    const refused = writeRefusalText(e, 'Not saved', serviceGuardFeedbackCreatePermission.name);
    if (refused) return refused;
    if (e.status === 404)
      return 'Not saved: Service Guard has no analysis of this entity that found this log cluster. Reload the page.';
  }
  return `Not saved: ${e instanceof Error ? e.message : String(e)}`;
}

/** Marks a cluster; shown only to people whose permission allows it. */
function FeedbackForm(props: {
  entityRef: string;
  cluster: LogCluster;
  onSaved: (f: LogClusterFeedback) => void;
}) {
  const api = useApi(serviceGuardApiRef);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<FeedbackAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (action: FeedbackAction) => {
    if (reason.trim() === '') {
      setError('Say why first: the reason is kept with your name.');
      return;
    }
    setPending(action);
    setError(null);
    try {
      const saved = await api.postFeedback(props.entityRef, props.cluster.clusterId, {
        action,
        reason: reason.trim(),
        template: props.cluster.template,
      });
      setReason('');
      props.onSaved(saved);
    } catch (e) {
      setError(feedbackErrorText(e));
    } finally {
      setPending(null);
    }
  };
  return (
    <Flex direction="column" gap="2" aria-label={`feedback on ${props.cluster.template}`} role="group">
      <TextField
        label="Why (kept with your name)"
        value={reason}
        onChange={setReason}
        placeholder="e.g. expected after the promo rollout"
        size="small"
      />
      <Flex gap="2" style={{ flexWrap: 'wrap' }}>
        {ACTIONS.map((a) => (
          <Button
            key={a}
            size="small"
            // All alike: a filled red "High risk" reads as the choice already made (a pressed toggle).
            // The choice in force is shown as a status above the form.
            variant="secondary"
            isDisabled={pending !== null}
            loading={pending === a}
            onPress={() => submit(a)}
          >
            {feedbackLabel[a]}
          </Button>
        ))}
      </Flex>
      {error ? (
        <Text as="p" variant="body-small" style={toneStyle('danger')} role="alert">
          {error}
        </Text>
      ) : null}
    </Flex>
  );
}

/**
 * The feedback in force on a cluster, as a status (not a pressed button): which choice, who made it, when,
 * and why; and whether this analysis already scored the cluster with it.
 */
function FeedbackState(props: { cluster: LogCluster; feedback: LogClusterFeedback; justSaved: boolean }) {
  const f = props.feedback;
  const applied = props.cluster.feedback;
  const inThisAnalysis =
    applied !== undefined &&
    applied.action === f.action &&
    (applied.createdAt ?? f.createdAt) === f.createdAt;
  return (
    <div
      data-testid="feedback-state"
      role={props.justSaved ? 'status' : undefined}
      style={{ display: 'flex', flexDirection: 'column', gap: 2 }}
    >
      <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
        <Text as="span" variant="body-small" style={secondaryStyle}>
          {props.justSaved ? 'Saved:' : 'Marked'}
        </Text>
        <StatusLabel tone={feedbackTone[f.action]} label={feedbackLabel[f.action]} />
        <Text as="span" variant="body-small" style={secondaryStyle}>
          by {f.createdBy}, {formatLocalTime(f.createdAt)}
        </Text>
      </Flex>
      <Text as="p" variant="body-small">
        &ldquo;{f.reason}&rdquo;{' '}
        {inThisAnalysis
          ? 'This analysis scored the cluster with it.'
          : 'The next analysis scores the cluster with it.'}
      </Text>
    </div>
  );
}

function ClusterItem(props: {
  entityRef: string;
  cluster: LogCluster;
  canGiveFeedback: boolean;
  /** The feedback in force when the page loaded (from the health answer). */
  feedback: LogClusterFeedback | undefined;
}) {
  const [saved, setSaved] = useState<LogClusterFeedback | null>(null);
  const c = props.cluster;
  const inForce = saved ?? props.feedback ?? fromSnapshot(props.entityRef, c);
  const tone =
    c.class === 'unknown' || c.class === 'unexpected-frequency'
      ? 'danger'
      : c.risk > 0
        ? 'warning'
        : 'success';
  return (
    <li data-testid="log-cluster" data-cluster-class={c.class} style={{ listStyle: 'none' }}>
      <Flex
        direction="column"
        gap="2"
        style={{ borderLeft: `3px solid ${toneColor(tone)}`, paddingLeft: 12, paddingBlock: 4 }}
      >
        <Flex gap="3" align="center" style={{ flexWrap: 'wrap' }}>
          <StatusLabel tone={tone} label={clusterClassLabel[c.class]} />
          <Text as="span" variant="body-small" style={secondaryStyle}>
            {c.level}, {c.count} in the period, {c.historyCount} in the history, risk {formatRisk(c.risk)}
          </Text>
        </Flex>
        <code
          style={{
            fontFamily: 'var(--bui-font-monospace, monospace)',
            fontSize: 13,
            overflowWrap: 'anywhere',
          }}
        >
          {c.template}
        </code>
        <Details lines={[c.explanation]} />
        {c.samples.length > 0 ? (
          <details>
            <summary style={{ cursor: 'pointer' }}>
              <Text as="span" variant="body-small">
                {c.samples.length === 1 ? 'Sample message' : `${c.samples.length} sample messages`}
              </Text>
            </summary>
            <ul style={{ margin: '6px 0 0', paddingLeft: '1.25em' }}>
              {c.samples.map((s) => (
                <li key={s}>
                  <code
                    style={{
                      fontFamily: 'var(--bui-font-monospace, monospace)',
                      fontSize: 12,
                      overflowWrap: 'anywhere',
                    }}
                  >
                    {s}
                  </code>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {inForce ? (
          <FeedbackState cluster={c} feedback={inForce} justSaved={saved !== null} />
        ) : c.feedback ? (
          // A snapshot stored before feedback kept who and when.
          <Text as="p" variant="body-small" style={secondaryStyle} data-testid="feedback-state">
            Feedback in force: {feedbackLabel[c.feedback.action]} ({c.feedback.reason})
          </Text>
        ) : null}
        {props.canGiveFeedback ? (
          <FeedbackForm entityRef={props.entityRef} cluster={c} onSaved={setSaved} />
        ) : null}
      </Flex>
    </li>
  );
}

/** The feedback a snapshot applied, as a stored entry, when the snapshot kept who gave it and when. */
function fromSnapshot(entityRef: string, c: LogCluster): LogClusterFeedback | undefined {
  const f = c.feedback;
  if (!f?.createdBy || !f.createdAt) return undefined;
  return {
    id: '',
    entityRef,
    clusterId: c.clusterId,
    action: f.action,
    reason: f.reason,
    createdBy: f.createdBy,
    createdAt: f.createdAt,
  };
}

/**
 * The period's log clusters: new and unexpectedly frequent ones first, with samples and feedback.
 * `feedback`: the feedback in force per cluster (`HealthResponse.feedback`), shown on its cluster.
 */
export function LogClusters(props: {
  entityRef: string;
  logs: LogsSummary | null;
  feedback?: readonly LogClusterFeedback[];
}) {
  const permission = usePermission({ permission: serviceGuardFeedbackCreatePermission });
  const canGiveFeedback = !permission.loading && permission.allowed;
  const { logs } = props;
  return (
    <Card>
      <CardHeader>
        <Flex align="center" gap="3">
          <Text as="h2" variant="title-small">
            Log clusters
          </Text>
          {logs ? <StatusLabel tone={outcomeTone[logs.outcome]} label={outcomeLabel[logs.outcome]} /> : null}
        </Flex>
      </CardHeader>
      <CardBody>
        {logs === null ? (
          <Text as="p" variant="body-medium" style={secondaryStyle}>
            This entity's profile reads no logs.
          </Text>
        ) : (
          <LogClusterList
            entityRef={props.entityRef}
            logs={logs}
            canGiveFeedback={canGiveFeedback}
            feedback={props.feedback ?? []}
          />
        )}
      </CardBody>
    </Card>
  );
}

function LogClusterList(props: {
  entityRef: string;
  logs: LogsSummary;
  canGiveFeedback: boolean;
  feedback: readonly LogClusterFeedback[];
}) {
  const { logs } = props;
  const byCluster = new Map(props.feedback.map((f) => [f.clusterId, f]));
  const { attention, known } = orderClusters(logs.clusters);
  return (
    <Flex direction="column" gap="3">
      <Text as="p" variant="body-medium">
        {logsSentence(logs)}
      </Text>
      <Details lines={logsDetails(logs)} />
      {attention.length === 0 ? (
        <Alert status="success" title="No new or unexpectedly frequent log messages." />
      ) : (
        <ul
          aria-label="log clusters to look at"
          style={{ margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: 16 }}
        >
          {attention.map((c) => (
            <ClusterItem
              key={c.clusterId}
              entityRef={props.entityRef}
              cluster={c}
              canGiveFeedback={props.canGiveFeedback}
              feedback={byCluster.get(c.clusterId)}
            />
          ))}
        </ul>
      )}
      {known.length > 0 ? (
        <details>
          <summary style={{ cursor: 'pointer' }}>
            <Text as="span" variant="body-small">
              {known.length} known {known.length === 1 ? 'cluster' : 'clusters'} at their usual frequency
            </Text>
          </summary>
          <ul style={{ margin: '8px 0 0', padding: 0, display: 'flex', flexDirection: 'column', gap: 12 }}>
            {known.map((c) => (
              <ClusterItem
                key={c.clusterId}
                entityRef={props.entityRef}
                cluster={c}
                canGiveFeedback={props.canGiveFeedback}
                feedback={byCluster.get(c.clusterId)}
              />
            ))}
          </ul>
        </details>
      ) : null}
    </Flex>
  );
}
