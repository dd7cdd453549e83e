/**
 * The REST API under /api/service-guard.
 *
 * Who may do what:
 * - reads (health, verifications, feedback) need a user or service principal that may read the entity in
 *   the catalog: the entity is looked up with the caller's credentials, so the catalog's own
 *   `catalog.entity.read` policy decides; an entity the caller cannot see, or that does not exist, is 404;
 * - verifications are posted by service principals only (the GitHub Action's external-access token), for
 *   entities in the catalog that opted in; a user token is refused (403) whatever the permission policy;
 * - feedback and run-now also need their Service Guard permission; feedback only on a log cluster that an
 *   analysis of the entity found. `service-guard.run.trigger` is a catalog-entity resource permission: a
 *   policy may allow it for some entities (e.g. their owners); running every entity at once needs it outright;
 * - `GET /entities` lists only the opted-in entities the caller may read (the catalog is asked with the
 *   caller's credentials), so an entity hidden from them never appears, not even in the counts.
 * Requests: JSON bodies up to `BODY_LIMIT` (larger: 413); a body or path the server cannot decode is 400;
 * bad input answers 400 naming the field. Errors are @backstage/errors classes, answered by Backstage's
 * error middleware (`MiddlewareFactory`), so nothing a client sends produces a 500.
 */
import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError, NotFoundError, serializeError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_SERVICE_GUARD,
  type EntityRunResponse,
  type ServiceGuardErrorBody,
  serviceGuardFeedbackCreatePermission,
  serviceGuardRunTriggerPermission,
} from '@vigil/backstage-plugin-service-guard-common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { listEntitiesHealth, listQuery } from './entitiesHealth.ts';
import { withProviderLinks } from './links.ts';
import type { RunNow } from './runNow.ts';
import type { ServiceGuardRunner } from './runner.ts';
import type { WorkerSchedule } from './schedule.ts';
import type { Page, PageCursor, ServiceGuardStore } from './store.ts';

export interface RouterOptions {
  store: ServiceGuardStore;
  runner: ServiceGuardRunner;
  runNow: RunNow;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  workers: WorkerSchedule;
  logger: LoggerService;
  config: RootConfigService;
  clock?: () => number;
}

/** Largest request body. A verification within the validator's limits is far smaller (about 110 KB at most). */
export const BODY_LIMIT = '256kb';

/** Longest entity ref: the database columns are varchar(512). */
export const MAX_REF = 512;

/** A 400 whose fields name what is wrong (Backstage's InputError, plus the fields for clients and forms). */
class FieldsError extends InputError {
  readonly fields: { path: string; message: string }[];
  constructor(fields: { path: string; message: string }[]) {
    super(fields.map((f) => `${f.path}: ${f.message}`).join('; '));
    this.fields = fields;
  }
}

// Each part as long as the whole ref may be; `refOf` bounds the ref itself.
const namePart = z
  .string()
  .min(1)
  .max(MAX_REF)
  .regex(/^[A-Za-z0-9._~-]+$/, 'may hold only letters, digits and . _ ~ -');

const entityParams = z.object({ kind: namePart, namespace: namePart, name: namePart });

const isoTime = z.iso.datetime({ offset: true });
const outcome = z.enum(['pass', 'warn', 'fail', 'no-data']);
const entityRefString = z
  .string()
  .max(MAX_REF)
  .regex(
    /^[A-Za-z0-9._~-]+:([A-Za-z0-9._~-]+\/)?[A-Za-z0-9._~-]+$/,
    'must be an entity ref kind:namespace/name',
  );

/** Per-metric explanations and the number of metrics are bounded so that a whole verification stays small. */
export const VERIFICATION_LIMITS = { text: 4000, explanation: 1000, metrics: 100, url: 2000 } as const;

const verificationBody = z.strictObject({
  entityRef: entityRefString,
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  score: z.number().min(0).max(100),
  reason: z.string().min(1).max(VERIFICATION_LIMITS.text),
  startedAt: isoTime,
  finishedAt: isoTime,
  version: z.string().max(255).optional(),
  environment: z.string().max(255).optional(),
  strategy: z.string().max(64).optional(),
  repository: z.string().max(255).optional(),
  commitSha: z.string().max(64).optional(),
  runUrl: z
    .url({ protocol: /^https?$/ })
    .max(VERIFICATION_LIMITS.url)
    .optional(),
  rollbackRunUrl: z
    .url({ protocol: /^https?$/ })
    .max(VERIFICATION_LIMITS.url)
    .optional(),
  metrics: z
    .array(
      z.strictObject({
        metric: z.string().min(1).max(255),
        outcome,
        risk: z.number().min(0).max(1),
        explanation: z.string().max(VERIFICATION_LIMITS.explanation),
      }),
    )
    .max(VERIFICATION_LIMITS.metrics)
    .optional(),
  logs: z
    .strictObject({
      outcome,
      risk: z.number().min(0).max(1),
      explanation: z.string().max(VERIFICATION_LIMITS.text),
    })
    .optional(),
});

const feedbackBody = z.strictObject({
  action: z.enum(['not-a-risk-ignore-frequency', 'not-a-risk-consider-frequency', 'medium', 'high']),
  reason: z.string().trim().min(1, 'must say why').max(2000),
  template: z.string().max(4000).optional(),
});

const runBody = z.strictObject({ entityRef: entityRefString.optional() });

const healthQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  since: isoTime.optional(),
});
const cursorParam = z
  .string()
  .max(64)
  .transform((c, ctx): PageCursor => {
    const m = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(c, 'base64url').toString('latin1'));
    if (!m) {
      ctx.addIssue({ code: 'custom', message: "is not a cursor; pass a previous page's nextCursor" });
      return z.NEVER;
    }
    return { t: Number(m[1]), id: Number(m[2]) };
  });
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});
const idParam = z.object({ id: z.string().regex(/^\d{1,16}$/, 'is not a verification id') });
const clusterParam = z.object({
  clusterId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a cluster id'),
});

const cursorOf = (c: PageCursor | undefined) =>
  c ? { nextCursor: Buffer.from(`${c.t}.${c.id}`, 'latin1').toString('base64url') } : {};

export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'params' | 'query',
): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new FieldsError(
    r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

interface RefParts {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
}

function refOf(p: { kind: string; namespace: string; name: string }): RefParts {
  const parts = {
    kind: p.kind.toLocaleLowerCase('en-US'),
    namespace: p.namespace.toLocaleLowerCase('en-US'),
    name: p.name.toLocaleLowerCase('en-US'),
  };
  const ref = `${parts.kind}:${parts.namespace}/${parts.name}`;
  if (ref.length > MAX_REF)
    throw new FieldsError([
      { path: 'params', message: `the entity ref is longer than ${MAX_REF} characters` },
    ]);
  return { ref, ...parts };
}

function normaliseRef(ref: string): RefParts {
  const m = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref)!;
  return refOf({ kind: m[1]!, namespace: m[2] ?? 'default', name: m[3]! });
}

/** Who did it, for the record: the user's entity ref, or the service's subject (e.g. `github-action` for a static external-access token). */
function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
  return p.type === 'user' ? p.userEntityRef! : (p.subject ?? p.type);
}

/** Express 4 does not pass a rejected promise to the error handler by itself. */
function handle(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

/** The catalog lookup fields: enough to know the entity and whether it opted in. */
const ENTITY_FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations'];

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { store, runner, runNow, workers, httpAuth, auth, permissions, catalog, logger } = options;
  const clock = options.clock ?? Date.now;
  const router = express.Router();
  router.use(express.json({ limit: BODY_LIMIT }));

  const authorize = async (req: Request, permission: BasicPermission) => {
    const creds = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const [decision] = await permissions.authorize([{ permission }], { credentials: creds });
    if (decision?.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    return creds;
  };

  /** Whether `credentials` may trigger runs of the entity (a policy may decide per entity). */
  const authorizeFor = async (
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    resourceRef: string,
  ) => {
    const [decision] = await permissions.authorize([{ permission, resourceRef }], { credentials });
    if (decision?.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`not allowed: ${permission.name} on ${resourceRef}`);
  };

  /** The entity as `credentials` may see it in the catalog (case-insensitive, like the catalog itself). */
  const findEntity = async (p: RefParts, credentials: BackstageCredentials): Promise<Entity | undefined> => {
    const { items } = await catalog.getEntities(
      {
        filter: { kind: p.kind, 'metadata.namespace': p.namespace, 'metadata.name': p.name },
        fields: ENTITY_FIELDS,
        limit: 1,
      },
      { credentials },
    );
    return items[0];
  };

  /** The entity of the path, read with the caller's credentials: 404 when it is unknown or hidden from them. */
  const readableEntity = async (req: Request, params: unknown) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const parts = refOf(parse(entityParams, params, 'params'));
    const entity = await findEntity(parts, credentials);
    // The same answer for "does not exist" and "may not read": a 403 would confirm that it exists.
    if (!entity) throw new NotFoundError(`${parts.ref} is not in the catalog (or you may not read it)`);
    return { credentials, entity, ...parts };
  };

  /** A paged list of one entity's rows, for callers who may read the entity: `?limit=&cursor=`, newest first. */
  const listRoute = <T>(
    what: string,
    page: (ref: string, limit: number, cursor?: PageCursor) => Promise<Page<T>>,
  ) =>
    router.get(
      `/entities/:kind/:namespace/:name/${what}`,
      handle(async (req, res) => {
        const { ref } = await readableEntity(req, req.params);
        const q = parse(pageQuery, req.query, 'query');
        const found = await page(ref, q.limit, q.cursor);
        res.json({ entityRef: ref, items: found.items, ...cursorOf(found.next) });
      }),
    );

  const optedIn = (e: Entity) => (e.metadata.annotations?.[ANNOTATION_SERVICE_GUARD] ?? '').trim() !== '';

  router.get(
    '/entities/:kind/:namespace/:name/health',
    handle(async (req, res) => {
      const { ref, entity } = await readableEntity(req, req.params);
      const q = parse(healthQuery, req.query, 'query');
      const { current, history } = await store.health(
        ref,
        q.limit,
        q.since ? Date.parse(q.since) : undefined,
      );
      const clusters = current?.logs?.clusters.map((c) => c.clusterId) ?? [];
      res.json({
        entityRef: ref,
        current: current ? withProviderLinks(current, entity, runner.settings()) : null,
        history,
        feedback: await store.feedbackInForce(ref, clusters),
        freshness: optedIn(entity)
          ? runner.freshness(current ? Date.parse(current.periodStart) : null)
          : null,
      });
    }),
  );

  listRoute('verifications', (ref, limit, cursor) => store.verifications(ref, limit, cursor));

  router.get(
    '/entities/:kind/:namespace/:name/verifications/:id',
    handle(async (req, res) => {
      const { id, ...rest } = req.params;
      const { ref } = await readableEntity(req, rest);
      parse(idParam, { id }, 'params');
      const v = await store.verification(ref, Number(id));
      if (!v) throw new NotFoundError(`${ref} has no verification ${id}`);
      res.json(v);
    }),
  );

  router.post(
    '/verifications',
    handle(async (req, res) => {
      // Service principals only: a person's token must not be able to make a deployment look verified.
      const creds = await httpAuth.credentials(req, { allow: ['service'] });
      const body = parse(verificationBody, req.body, 'body');
      if (Date.parse(body.finishedAt) < Date.parse(body.startedAt)) {
        throw new FieldsError([{ path: 'body.finishedAt', message: 'is before body.startedAt' }]);
      }
      const parts = normaliseRef(body.entityRef);
      // Looked up as the plugin itself: the caller's token may be limited to this plugin.
      const entity = await findEntity(parts, await auth.getOwnServiceCredentials());
      if (!entity) throw new NotFoundError(`${body.entityRef} is not in the catalog`);
      if (!optedIn(entity)) {
        throw new FieldsError([
          {
            path: 'body.entityRef',
            message: `${parts.ref} has not opted in to Service Guard (annotation ${ANNOTATION_SERVICE_GUARD})`,
          },
        ]);
      }
      const stored = await store.addVerification({ ...body, entityRef: parts.ref }, actorOf(creds), clock());
      res.status(201).json(stored);
    }),
  );

  listRoute('feedback', (ref, limit, cursor) => store.feedbackPage(ref, limit, cursor));

  router.post(
    '/entities/:kind/:namespace/:name/clusters/:clusterId/feedback',
    handle(async (req, res) => {
      const creds = await authorize(req, serviceGuardFeedbackCreatePermission);
      const { clusterId, ...rest } = req.params;
      const { ref } = await readableEntity(req, rest);
      parse(clusterParam, { clusterId }, 'params');
      const body = parse(feedbackBody, req.body, 'body');
      if (!(await store.hasCluster(ref, clusterId!))) {
        throw new NotFoundError(`no analysis of ${ref} found a log cluster ${clusterId}`);
      }
      const stored = await store.addFeedback(ref, clusterId!, body, actorOf(creds), clock());
      logger.info(
        `service-guard: feedback ${body.action} on ${ref} cluster ${clusterId} by ${stored.createdBy}`,
      );
      res.status(201).json(stored);
    }),
  );

  router.get(
    '/entities',
    handle(async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const q = parse(listQuery, req.query, 'query');
      res.json(await listEntitiesHealth({ catalog, store, credentials, query: q }));
    }),
  );

  /** The entity of the path, readable by the caller and opted in (409 otherwise: nothing to run). */
  const runnableEntity = async (req: Request) => {
    const found = await readableEntity(req, req.params);
    if (!optedIn(found.entity)) {
      throw new ConflictError(
        `${found.ref} has not opted in to Service Guard: add the annotation ${ANNOTATION_SERVICE_GUARD}`,
      );
    }
    return found;
  };

  router.post(
    '/entities/:kind/:namespace/:name/run',
    handle(async (req, res) => {
      const { credentials, ...parts } = await runnableEntity(req);
      await authorizeFor(credentials, serviceGuardRunTriggerPermission, parts.ref);
      await runNow.request(parts, actorOf(credentials));
      const body: EntityRunResponse = { entityRef: parts.ref, run: await runNow.status(parts.ref) };
      res.status(202).json(body);
    }),
  );

  router.get(
    '/entities/:kind/:namespace/:name/run',
    handle(async (req, res) => {
      const { ref } = await readableEntity(req, req.params);
      const body: EntityRunResponse = { entityRef: ref, run: await runNow.status(ref) };
      res.json(body);
    }),
  );

  router.post(
    '/run',
    handle(async (req, res) => {
      const creds = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const body = parse(runBody, req.body, 'body');
      if (body.entityRef) {
        const parts = normaliseRef(body.entityRef);
        await authorizeFor(creds, serviceGuardRunTriggerPermission, parts.ref);
        const r = await runner.runEntity(parts);
        if (r.status === 'not-found') {
          throw new NotFoundError(
            `${body.entityRef} is not in the catalog or has no ${ANNOTATION_SERVICE_GUARD} annotation`,
          );
        }
        res.json(r);
        return;
      }
      // Every entity at once: only for callers allowed outright, not under per-entity conditions.
      const [decision] = await permissions.authorizeConditional(
        [{ permission: serviceGuardRunTriggerPermission }],
        { credentials: creds },
      );
      if (decision?.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `not allowed: ${serviceGuardRunTriggerPermission.name} for every entity; a policy that allows it for some entities only lets you run them one at a time`,
        );
      }
      const tasks = await workers.triggerAll();
      res.status(202).json({ status: 'triggered', tasks });
    }),
  );

  const backstageErrors = MiddlewareFactory.create({ config: options.config, logger }).error();
  router.use((err: Error, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof FieldsError && !res.headersSent) {
      const body: ServiceGuardErrorBody & Record<string, unknown> = {
        error: serializeError(err),
        fields: err.fields,
        request: { method: req.method, url: req.url },
        response: { statusCode: 400 },
      };
      res.status(400).json(body);
      return;
    }
    backstageErrors(err, req, res, next);
  });
  return router;
}
