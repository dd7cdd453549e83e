/**
 * Configuration of the Service Guard backend plugin (app-config.yaml). Provider URLs and credentials come
 * only from here, never from entity annotations, so a catalog author cannot point the backend at another
 * host. The section is re-read at every run: rotated credentials take effect without a restart.
 */
export interface Config {
  serviceGuard?: {
    /**
     * Named monitoring backends. The keys are the names profiles refer to.
     */
    providers?: {
      [name: string]: {
        /** prometheus | datadog | dynatrace | http | replay */
        type: 'prometheus' | 'datadog' | 'dynatrace' | 'http' | 'replay';
        /** Prometheus, Dynatrace (environment URL), http (URL template). */
        url?: string;
        /** Prometheus authentication. */
        auth?: {
          /** none | basic | bearer */
          type: 'none' | 'basic' | 'bearer';
          username?: string;
          /** @visibility secret */
          password?: string;
          /** @visibility secret */
          token?: string;
        };
        /** Extra headers sent as they are (Prometheus, http), e.g. X-Scope-OrgID. */
        headers?: { [name: string]: string };
        /**
         * Extra headers whose values are secret.
         * @visibility secret
         */
        secretHeaders?: { [name: string]: string };
        /** Datadog site, e.g. datadoghq.eu. */
        site?: string;
        /** Datadog: overrides the host derived from the site (proxies). */
        baseUrl?: string;
        /**
         * Datadog API key.
         * @visibility secret
         */
        apiKey?: string;
        /**
         * Datadog application key.
         * @visibility secret
         */
        appKey?: string;
        /**
         * Dynatrace API token (metrics.read, logs.read; problems.read for the alerts of a profile).
         * @visibility secret
         */
        token?: string;
        /**
         * Public address of the provider's own UI (Prometheus, Datadog, Dynatrace), for the tab's links from
         * each metric to its graph or metric explorer. Default: `url` for Prometheus and Dynatrace, the site's
         * app host for Datadog (e.g. https://app.datadoghq.eu). Set it where the API address differs (a proxy,
         * an internal service name). Links never carry a credential: one that would is left out.
         */
        uiUrl?: string;
        /** Dynatrace default entity selector. */
        entitySelector?: string;
        /**
         * Dynatrace problem selector for the alerts read with each period (e.g. `managementZones("prod")`);
         * an entity's dynatrace.com/dynatrace-entity-id annotation scopes them to that entity.
         */
        problemSelector?: string;
        /** Replay provider: path of a recording (docs/replay-format.md). */
        file?: string;
        /** Replay provider: the recorded provider to answer for. */
        source?: string;
        /** http provider: how to read points from the JSON answer (see @vigil/providers HttpPick). */
        pick?: {
          series?: string;
          points: string;
          timestamp: string;
          value: string;
          instance: string;
          timestampUnit?: 'ms' | 's' | 'iso';
        };
        /** http provider: GET (default) or POST. */
        method?: 'GET' | 'POST';
        /** http provider: body template. */
        body?: string;
        /** TLS client settings: paths of PEM files. */
        tls?: {
          caFile?: string;
          certFile?: string;
          /** @visibility secret */
          keyFile?: string;
          serverName?: string;
          insecureSkipVerify?: boolean;
        };
        /** HTTP behaviour: timeouts (ms), retries, concurrency. */
        http?: {
          timeoutMs?: number;
          budgetMs?: number;
          retries?: number;
          backoffMs?: number;
          maxBackoffMs?: number;
          concurrency?: number;
        };
      };
    };
    /**
     * What to watch, by profile name; an entity picks one with the annotation
     * `vigil.dev/service-guard: <profile>`. Query templates use `{{name}}` placeholders filled from the
     * entity (name, namespace, kind, ref, service, dynatraceEntityId, and `vigil.dev/var.<name>`
     * annotations), escaped by the provider for its query language.
     */
    profiles?: {
      [name: string]: {
        /** Name of an entry of serviceGuard.providers. */
        provider: string;
        /** Label / tag / dimension naming the instance in the answers. Default `instance`. */
        instanceLabel?: string;
        /** Spacing of points, e.g. `1m` or { minutes: 1 }. Default 1 minute. */
        step?: string | { [unit: string]: number };
        /** Default sensitivity of the metrics: low | medium | high. Default medium. */
        sensitivity?: 'low' | 'medium' | 'high';
        /**
         * Alerts the profile's providers raised on the entity during each period (Dynatrace problems,
         * Datadog monitors in alert): warn (default) lists them on the tab beside the health, fail makes the
         * period unhealthy (and, when they cannot be read, a healthy period no data), ignore does not read them.
         */
        evidence?: 'fail' | 'warn' | 'ignore';
        /** The metrics, each a query template. */
        metrics: Array<{
          /** Metric name, unique in the profile. */
          name: string;
          /** Query template in the provider's language. */
          query: string;
          /** error | latency | throughput | resource | other. Default other. */
          kind?: 'error' | 'latency' | 'throughput' | 'resource' | 'other';
          /** higher-is-worse | lower-is-worse | both. Default higher-is-worse. */
          direction?: 'higher-is-worse' | 'lower-is-worse' | 'both';
          /** Overrides the profile's sensitivity. */
          sensitivity?: 'low' | 'medium' | 'high';
          /** Weight in the score. Default 1. */
          weight?: number;
          /** A critical metric that fails makes the entity unhealthy on its own. */
          critical?: boolean;
          /** Display unit. */
          unit?: string;
        }>;
        /** Log novelty: the period's log clusters against the entity's recent history. */
        logs?: {
          /** Provider name; default the profile's provider. */
          provider?: string;
          /** Log query template (Datadog logs search, Dynatrace LQL). */
          query: string;
          /** Attribute naming the instance. */
          instanceField?: string;
          /** How much history before the period the period is compared with. Default 1 day. */
          history?: string | { [unit: string]: number };
          /** Most events read per window. Default 10000. */
          limit?: number;
          /** low | medium | high. Default the profile's sensitivity. */
          sensitivity?: 'low' | 'medium' | 'high';
        };
      };
    };
    /**
     * Notifications to entity owners through Backstage's notifications service
     * (@backstage/plugin-notifications-backend must be installed): once when an entity turns unhealthy and
     * once when it is healthy again.
     */
    notifications?: {
      /** Default true; false sends none. */
      enabled?: boolean;
    };
    /** When runs happen. */
    schedule?: {
      /** How often each shard runs, e.g. { minutes: 5 } or a cron. Default 5 minutes. */
      frequency?: string | { [unit: string]: number } | { cron: string };
      /** Longest run of a worker; what it could not reach goes first in the next run. Default 4 minutes. */
      timeout?: string | { [unit: string]: number };
      /** Wait before the first run after start. */
      initialDelay?: string | { [unit: string]: number };
      /**
       * Worker tasks per replica (`service-guard:worker-<i>`, local scope). Workers claim entities from a
       * shared queue in the database (least recently analysed first), so replicas and workers share the
       * work; changes apply without a restart. Default 1.
       */
      shards?: number;
      /**
       * Length of an analysed period; a run analyses the last complete one, once per entity. Default the
       * frequency (required when the frequency is a cron).
       */
      period?: string | { [unit: string]: number };
      /** How far back metrics are read to train a detector that has no state yet or missed periods. Default 7 days. */
      history?: string | { [unit: string]: number };
      /** Entities analysed at once by one worker. Default 4. */
      concurrency?: number;
      /**
       * How long a replica's claim on an entity holds without renewal (renewed while it works); the claims
       * of a replica that died are taken over after this long. Default 1 minute.
       */
      lease?: string | { [unit: string]: number };
    };
    /** How long data is kept. */
    retention?: {
      /** Health snapshots (with their metric risks and log clusters) older than this are deleted. Default 30 days. */
      snapshots?: string | { [unit: string]: number };
      /** Deployment verifications older than this are deleted. Default 180 days. */
      verifications?: string | { [unit: string]: number };
      /** How often the retention job runs. Default 6 hours. */
      frequency?: string | { [unit: string]: number };
    };
  };
}
