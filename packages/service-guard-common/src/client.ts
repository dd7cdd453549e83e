import type {
  DeploymentVerification,
  EntitiesHealthResponse,
  EntityHealthState,
  EntityRunResponse,
  DeploymentVerificationInput,
  FeedbackResponse,
  HealthResponse,
  LogClusterFeedback,
  LogClusterFeedbackInput,
  RunNowInput,
  RunNowResponse,
  ServiceGuardErrorBody,
  VerificationsResponse,
} from './types.ts';

/** The part of Backstage's `DiscoveryApi` the client uses. */
export interface DiscoveryLike {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** The part of Backstage's `FetchApi` the client uses (it adds the user's token). */
export interface FetchLike {
  fetch: typeof fetch;
}

/** A non-2xx answer of the Service Guard API. */
export class ServiceGuardApiError extends Error {
  override name = 'ServiceGuardApiError';
  readonly status: number;
  /** The fields at fault, for 400s. */
  readonly fields: { path: string; message: string }[];
  constructor(status: number, message: string, fields: { path: string; message: string }[] = []) {
    super(message);
    this.status = status;
    this.fields = fields;
  }
}

/** An entity, by ref string (`component:default/web`) or by its parts. */
export type EntityRefLike = string | { kind: string; namespace?: string; name: string };

/** Splits `kind:namespace/name` (namespace optional, `default` then) into URL path segments. */
export function entityPath(ref: EntityRefLike): string {
  let kind: string;
  let namespace: string;
  let name: string;
  if (typeof ref === 'string') {
    const m = /^([^:/]+):(?:([^:/]+)\/)?([^:/]+)$/.exec(ref);
    if (!m) throw new TypeError(`"${ref}" is not an entity ref of the form kind:namespace/name`);
    kind = m[1]!;
    namespace = m[2] ?? 'default';
    name = m[3]!;
  } else {
    kind = ref.kind;
    namespace = ref.namespace ?? 'default';
    name = ref.name;
  }
  return [kind, namespace, name].map((p) => encodeURIComponent(p.toLocaleLowerCase('en-US'))).join('/');
}

/** What the frontend (and the Action) can ask the backend. */
export interface ServiceGuardApi {
  getHealth(entity: EntityRefLike, options?: { limit?: number; since?: string }): Promise<HealthResponse>;
  /** One page of verifications, newest first; `cursor` is the previous page's `nextCursor`. */
  getVerifications(
    entity: EntityRefLike,
    options?: { limit?: number; cursor?: string },
  ): Promise<VerificationsResponse>;
  /** One verification with its per-metric and log details. */
  getVerification(entity: EntityRefLike, id: string): Promise<DeploymentVerification>;
  postVerification(input: DeploymentVerificationInput): Promise<DeploymentVerification>;
  getFeedback(
    entity: EntityRefLike,
    options?: { limit?: number; cursor?: string },
  ): Promise<FeedbackResponse>;
  postFeedback(
    entity: EntityRefLike,
    clusterId: string,
    input: LogClusterFeedbackInput,
  ): Promise<LogClusterFeedback>;
  runNow(input?: RunNowInput): Promise<RunNowResponse>;
  /** Starts a run of one entity now, or joins the one in progress (needs `service-guard.run.trigger`). */
  startEntityRun(entity: EntityRefLike): Promise<EntityRunResponse>;
  /** The entity's latest run-now. */
  getEntityRun(entity: EntityRefLike): Promise<EntityRunResponse>;
  /** The opted-in entities the user may read, worst health first. */
  listEntities(options?: ListEntitiesOptions): Promise<EntitiesHealthResponse>;
}

/** Filters and paging of `listEntities`. */
export interface ListEntitiesOptions {
  /** Only entities owned by one of these (user or group entity refs). */
  owner?: string[];
  /** Only these entities (at most 100). */
  entityRef?: string[];
  /** Only entities in one of these states. */
  state?: EntityHealthState[];
  /** `signals`: each item's latest signals too (`EntityHealthSummary.signals`), to phrase its reason from. */
  include?: 'signals'[];
  /** 1..500, default 100. */
  limit?: number;
  offset?: number;
}

/** A fetch-based client; give it Backstage's discovery and fetch APIs (or anything shaped like them). */
export class ServiceGuardClient implements ServiceGuardApi {
  readonly #discovery: DiscoveryLike;
  readonly #fetch: FetchLike;

  constructor(options: { discoveryApi: DiscoveryLike; fetchApi: FetchLike }) {
    this.#discovery = options.discoveryApi;
    this.#fetch = options.fetchApi;
  }

  getHealth(
    entity: EntityRefLike,
    options: { limit?: number; since?: string } = {},
  ): Promise<HealthResponse> {
    return this.#request('GET', `/entities/${entityPath(entity)}/health${query(options)}`);
  }

  getVerifications(
    entity: EntityRefLike,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<VerificationsResponse> {
    return this.#request('GET', `/entities/${entityPath(entity)}/verifications${query(options)}`);
  }

  getVerification(entity: EntityRefLike, id: string): Promise<DeploymentVerification> {
    return this.#request('GET', `/entities/${entityPath(entity)}/verifications/${encodeURIComponent(id)}`);
  }

  postVerification(input: DeploymentVerificationInput): Promise<DeploymentVerification> {
    return this.#request('POST', '/verifications', input);
  }

  getFeedback(
    entity: EntityRefLike,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<FeedbackResponse> {
    return this.#request('GET', `/entities/${entityPath(entity)}/feedback${query(options)}`);
  }

  postFeedback(
    entity: EntityRefLike,
    clusterId: string,
    input: LogClusterFeedbackInput,
  ): Promise<LogClusterFeedback> {
    const path = `/entities/${entityPath(entity)}/clusters/${encodeURIComponent(clusterId)}/feedback`;
    return this.#request('POST', path, input);
  }

  runNow(input: RunNowInput = {}): Promise<RunNowResponse> {
    return this.#request('POST', '/run', input);
  }

  startEntityRun(entity: EntityRefLike): Promise<EntityRunResponse> {
    return this.#request('POST', `/entities/${entityPath(entity)}/run`, {});
  }

  getEntityRun(entity: EntityRefLike): Promise<EntityRunResponse> {
    return this.#request('GET', `/entities/${entityPath(entity)}/run`);
  }

  listEntities(options: ListEntitiesOptions = {}): Promise<EntitiesHealthResponse> {
    const params = new URLSearchParams();
    for (const o of options.owner ?? []) params.append('owner', o);
    for (const r of options.entityRef ?? []) params.append('entityRef', r);
    for (const s of options.state ?? []) params.append('state', s);
    for (const i of options.include ?? []) params.append('include', i);
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    if (options.offset !== undefined) params.set('offset', String(options.offset));
    const q = params.toString();
    return this.#request('GET', `/entities${q ? `?${q}` : ''}`);
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const base = await this.#discovery.getBaseUrl('service-guard');
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await this.#fetch.fetch(`${base}${path}`, init);
    const text = await res.text();
    if (!res.ok) {
      let parsed: Partial<ServiceGuardErrorBody> | undefined;
      try {
        parsed = JSON.parse(text) as Partial<ServiceGuardErrorBody>;
      } catch {
        parsed = undefined;
      }
      const message = parsed?.error?.message ?? (text.slice(0, 200) || res.statusText);
      throw new ServiceGuardApiError(
        res.status,
        `${method} ${path}: ${res.status} ${message}`,
        parsed?.fields,
      );
    }
    return JSON.parse(text) as T;
  }
}

function query(options: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
