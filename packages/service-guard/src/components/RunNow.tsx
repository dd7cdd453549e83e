import { Button, Flex, Text } from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type EntityRun,
  ServiceGuardApiError,
  serviceGuardRunTriggerPermission,
} from '@vigil/backstage-plugin-service-guard-common';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { serviceGuardApiRef } from '../api.ts';
import { formatTime, stateLabel, stateTone, writeRefusalText, secondaryStyle, toneStyle } from '../format.ts';
import { StatusLabel } from './StatusLabel.tsx';

/** How often a run in progress is asked about. */
const POLL_MS = 1_000;

/** What the client's error line says after `METHOD /path: 403 `: the backend's own words. */
function serverWords(e: ServiceGuardApiError): string {
  return e.message.replace(/^(GET|POST) \S+: \d{3} /, '');
}

/**
 * A failed run request in words: which permission is missing and who grants it, a sign-in to renew, or the
 * backend's reason, never the client's raw "POST <path>: 403" line.
 */
export function runErrorText(e: unknown): string {
  if (e instanceof ServiceGuardApiError) {
    const refused = writeRefusalText(e, 'Not started', serviceGuardRunTriggerPermission.name);
    if (refused) return refused;
    if (e.status === 404)
      return 'Not started: this entity is not in the catalog, or you may not read it. Reload the page.';
    if (e.status === 409) return `Not started: ${serverWords(e)}`;
    return `Not started: the Service Guard backend answered ${e.status}: ${serverWords(e)}`;
  }
  return `Not started: ${e instanceof Error ? e.message : String(e)}`;
}

/** The run's state as a sentence. */
export function runStatusText(run: EntityRun): string {
  switch (run.status) {
    case 'queued':
      return 'Queued: waiting for a free analysis slot on the backend.';
    case 'running':
      return 'Running: analysing the last complete period.';
    case 'failed':
      return `Failed: ${run.error ?? 'the run failed'}.`.replace(/\.\.$/, '.');
    case 'done': {
      const h = run.health;
      const period = h ? ` for the period ending ${formatTime(h.periodEnd)}` : '';
      return run.outcome === 'already-analysed'
        ? `Up to date: the last complete period was already analysed${period}.`
        : `Done: analysed${period}.`;
    }
  }
}

type View =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'run'; run: EntityRun }
  | { kind: 'error'; message: string };

/**
 * "Run now" for people whose permission policy allows `service-guard.run.trigger` on this entity: starts
 * (or joins) a run, shows it queued and running, then the health it found or why it failed, and calls
 * `onDone` so the page shows the new analysis. Without the permission the button is disabled and says why.
 * A run someone else started is picked up when the component mounts.
 */
export function RunNow(props: { entityRef: string; onDone?: () => void; pollMs?: number }) {
  const api = useApi(serviceGuardApiRef);
  const permission = usePermission({
    permission: serviceGuardRunTriggerPermission,
    resourceRef: props.entityRef,
  });
  const [view, setView] = useState<View>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const alive = useRef(true);
  const onDone = useRef(props.onDone);
  onDone.current = props.onDone;
  const pollMs = props.pollMs ?? POLL_MS;
  const deniedId = useId();

  const follow = useCallback(
    (run: EntityRun, announceEnd: boolean) => {
      if (!alive.current) return;
      setView({ kind: 'run', run });
      if (run.status === 'done' || run.status === 'failed') {
        if (announceEnd && run.status === 'done') onDone.current?.();
        return;
      }
      timer.current = setTimeout(() => {
        api.getEntityRun(props.entityRef).then(
          (r) => (r.run ? follow(r.run, true) : setView({ kind: 'idle' })),
          (e: unknown) =>
            alive.current &&
            setView({
              kind: 'error',
              message: `Lost track of the run: ${e instanceof Error ? e.message : String(e)}. It may still finish; reload the page to see.`,
            }),
        );
      }, pollMs);
    },
    [api, props.entityRef, pollMs],
  );

  // A run in progress (started here before a reload, or by someone else) is shown and followed.
  useEffect(() => {
    alive.current = true;
    api.getEntityRun(props.entityRef).then(
      (r) => {
        if (r.run && (r.run.status === 'queued' || r.run.status === 'running')) follow(r.run, true);
      },
      () => {},
    );
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, [api, props.entityRef, follow]);

  const start = () => {
    clearTimeout(timer.current);
    setView({ kind: 'sending' });
    api.startEntityRun(props.entityRef).then(
      (r) => follow(r.run!, true),
      (e: unknown) => alive.current && setView({ kind: 'error', message: runErrorText(e) }),
    );
  };

  const busy =
    view.kind === 'sending' ||
    (view.kind === 'run' && (view.run.status === 'queued' || view.run.status === 'running'));
  const denied = !permission.loading && !permission.allowed;
  return (
    <Flex direction="column" gap="2" data-testid="run-now">
      <Flex align="center" gap="3" style={{ flexWrap: 'wrap' }}>
        <Button
          size="small"
          variant="secondary"
          isDisabled={denied || permission.loading || busy}
          isPending={busy}
          onPress={start}
          aria-describedby={denied ? deniedId : undefined}
        >
          Run now
        </Button>
        {denied ? (
          <Text
            as="span"
            variant="body-small"
            style={secondaryStyle}
            id={deniedId}
            data-testid="run-now-denied"
          >
            Running an analysis now needs the permission <code>{serviceGuardRunTriggerPermission.name}</code>{' '}
            for this entity; the schedule analyses it every period anyway.
          </Text>
        ) : null}
      </Flex>
      {/* A live region (present before anything is said, so screen readers announce each change). */}
      <div aria-live="polite" data-testid="run-now-status">
        {view.kind === 'sending' ? (
          <Text as="p" variant="body-small">
            Queued: asking the backend to start the run.
          </Text>
        ) : null}
        {view.kind === 'error' ? (
          <Text as="p" variant="body-small" style={toneStyle('danger')}>
            {view.message}
          </Text>
        ) : null}
        {view.kind === 'run' ? <RunState run={view.run} /> : null}
      </div>
    </Flex>
  );
}

function RunState(props: { run: EntityRun }) {
  const { run } = props;
  const h = run.status === 'done' ? run.health : undefined;
  return (
    <Flex align="center" gap="2" style={{ flexWrap: 'wrap' }} data-run-status={run.status}>
      {h ? <StatusLabel tone={stateTone[h.state]} label={stateLabel[h.state]} /> : null}
      {h && h.score !== null ? (
        <Text as="span" variant="body-small">
          score {h.score} / 100.
        </Text>
      ) : null}
      <Text as="span" variant="body-small" style={run.status === 'failed' ? toneStyle('danger') : undefined}>
        {runStatusText(run)}
      </Text>
    </Flex>
  );
}
