import { Alert, Button, Card, CardBody, Flex, Skeleton, Text } from '@backstage/ui';
import { ANNOTATION_SERVICE_GUARD } from '@vigil/backstage-plugin-service-guard-common';
import { loadErrorText, secondaryStyle } from '../format.ts';

/** How to opt in, with the annotation to add: shown on entities without it. */
export function OptIn(props: { entityName: string }) {
  const yaml = `metadata:\n  name: ${props.entityName}\n  annotations:\n    ${ANNOTATION_SERVICE_GUARD}: default   # a profile of serviceGuard.profiles in app-config`;
  return (
    <Card>
      <CardBody>
        <Flex direction="column" gap="3">
          <Text as="h2" variant="title-small">
            Service Guard is not watching this entity
          </Text>
          <Text as="p" variant="body-medium">
            Add the <code>{ANNOTATION_SERVICE_GUARD}</code> annotation to its catalog-info.yaml, naming the
            profile (which metrics and logs to watch) that fits it. The next scheduled run analyses it and
            this page shows its health.
          </Text>
          <pre
            data-testid="opt-in-annotation"
            style={{
              margin: 0,
              padding: 12,
              borderRadius: 6,
              background: 'var(--bui-bg-neutral-2)',
              fontFamily: 'var(--bui-font-monospace, monospace)',
              fontSize: 13,
              overflowX: 'auto',
            }}
          >
            {yaml}
          </pre>
        </Flex>
      </CardBody>
    </Card>
  );
}

/** Placeholder shapes while the health loads, announced to screen readers. */
export function Loading(props: { label?: string }) {
  return (
    <div role="progressbar" aria-label={props.label ?? 'Loading Service Guard'} aria-busy="true">
      <Flex direction="column" gap="3">
        <Skeleton width="40%" height={28} />
        <Skeleton width="100%" height={120} />
        <Skeleton width="100%" height={80} />
      </Flex>
    </div>
  );
}

/** A failed request: what went wrong in words (the request line under details), and a retry. */
export function LoadError(props: { error: Error; onRetry: () => void }) {
  return (
    <Alert
      status="danger"
      title="Service Guard could not load this entity's health"
      description={
        <>
          {loadErrorText(props.error)}
          <Details lines={[props.error.message]} />
        </>
      }
      customActions={
        <Button size="small" variant="secondary" onPress={props.onRetry}>
          Try again
        </Button>
      }
    />
  );
}

/** Opted in, but no period analysed yet. */
export function NotAnalysedYet() {
  return (
    <Alert
      status="info"
      title="Not analysed yet"
      description="This entity opted in, and its first period has not been analysed. The scheduled run does that within one period; reload later."
    />
  );
}

/** The statistics behind a plain sentence, folded away under "details" (nothing when there are none). */
export function Details(props: { lines: readonly string[]; label?: string }) {
  if (props.lines.length === 0) return null;
  return (
    <details data-testid="details">
      <summary style={{ cursor: 'pointer' }}>
        <Text as="span" variant="body-small" style={secondaryStyle}>
          {props.label ?? 'details'}
        </Text>
      </summary>
      <ul style={{ margin: '4px 0 0', paddingLeft: '1.25em' }}>
        {props.lines.map((l) => (
          <li key={l}>
            <Text as="span" variant="body-small" style={secondaryStyle}>
              {l}
            </Text>
          </li>
        ))}
      </ul>
    </details>
  );
}
