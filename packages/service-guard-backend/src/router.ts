/**
 * The REST API under /api/service-guard. Every route needs credentials (Backstage's httpRouter refuses
 * anonymous requests by default, and each handler asks httpAuth for a user or service principal); feedback
 * and run-now also need their permission. Bad input answers 400 naming the field.
 */
import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult, type BasicPermission } from '@backstage/plugin-permission-common';
import {
  type ServiceGuardErrorBody,
  serviceGuardFeedbackCreatePermission,
  serviceGuardRunTriggerPermission,
} from '@vigil/backstage-plugin-service-guard-common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceGuardRunner } from './runner.ts';
import { shardTaskId } from './shards.ts';
import type { ServiceGuardStore } from './store.ts';

export interface RouterOptions {
  store: ServiceGuardStore;
  runner: ServiceGuardRunner;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** The shard count the tasks were scheduled with. */
  shards: number;
  clock?: () => number;
}

/** A 400 whose fields name what is wrong. */
class InputProblem extends Error {
  override name = 'InputError';
  readonly fields: { path: string; message: string }[];
  constructor(fields: { path: string; message: string }[]) {
    super(fields.map((f) => `${f.path}: ${f.message}`).join('; '));
    this.fields = fields;
  }
}

const STATUS: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
};

const namePart = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._~-]+$/, 'may hold only letters, digits and . _ ~ -');

const entityParams = z.object({ kind: namePart, namespace: namePart, name: namePart });

const isoTime = z.iso.datetime({ offset: true });
const outcome = z.enum(['pass', 'warn', 'fail', 'no-data']);
const entityRefString = z
  .string()
  .max(512)
  .regex(
    /^[A-Za-z0-9._~-]+:([A-Za-z0-9._~-]+\/)?[A-Za-z0-9._~-]+$/,
    'must be an entity ref kind:namespace/name',
  );

const verificationBody = z.strictObject({
  entityRef: entityRefString,
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  score: z.number().min(0).max(100),
  reason: z.string().min(1).max(4000),
  startedAt: isoTime,
  finishedAt: isoTime,
  version: z.string().max(255).optional(),
  environment: z.string().max(255).optional(),
  strategy: z.string().max(64).optional(),
  repository: z.string().max(255).optional(),
  commitSha: z.string().max(64).optional(),
  runUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  rollbackRunUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  metrics: z
    .array(
      z.strictObject({
        metric: z.string().min(1).max(255),
        outcome,
        risk: z.number().min(0).max(1),
        explanation: z.string().max(4000),
      }),
    )
    .max(200)
    .optional(),
  logs: z
    .strictObject({ outcome, risk: z.number().min(0).max(1), explanation: z.string().max(4000) })
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
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'params' | 'query',
): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new InputProblem(
    r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

function refOf(p: { kind: string; namespace: string; name: string }): string {
  return `${p.kind}:${p.namespace}/${p.name}`.toLocaleLowerCase('en-US');
}

function normaliseRef(ref: string): { ref: string; kind: string; namespace: string; name: string } {
  const m = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref)!;
  const parts = { kind: m[1]!, namespace: m[2] ?? 'default', name: m[3]! };
  return { ref: refOf(parts), ...parts };
}

/** Who did it, for the record: the user's entity ref, or the service's subject (e.g. `external:github-action`). */
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

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { store, runner, httpAuth, permissions, scheduler, logger } = options;
  const clock = options.clock ?? Date.now;
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  const credentials = (req: Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });
  const authorize = async (req: Request, permission: BasicPermission) => {
    const creds = await credentials(req);
    const [decision] = await permissions.authorize([{ permission }], { credentials: creds });
    if (decision?.result !== AuthorizeResult.ALLOW) {
      const e = new Error(`not allowed: ${permission.name}`);
      e.name = 'NotAllowedError';
      throw e;
    }
    return creds;
  };

  router.get(
    '/entities/:kind/:namespace/:name/health',
    handle(async (req, res) => {
      await credentials(req);
      const ref = refOf(parse(entityParams, req.params, 'params'));
      const q = parse(healthQuery, req.query, 'query');
      const { current, history } = await store.health(
        ref,
        q.limit,
        q.since ? Date.parse(q.since) : undefined,
      );
      res.json({ entityRef: ref, current, history });
    }),
  );

  router.get(
    '/entities/:kind/:namespace/:name/verifications',
    handle(async (req, res) => {
      await credentials(req);
      const ref = refOf(parse(entityParams, req.params, 'params'));
      const q = parse(listQuery, req.query, 'query');
      res.json({ entityRef: ref, items: await store.verifications(ref, q.limit) });
    }),
  );

  router.post(
    '/verifications',
    handle(async (req, res) => {
      const creds = await credentials(req);
      const body = parse(verificationBody, req.body, 'body');
      if (Date.parse(body.finishedAt) < Date.parse(body.startedAt)) {
        throw new InputProblem([{ path: 'body.finishedAt', message: 'is before body.startedAt' }]);
      }
      const input = { ...body, entityRef: normaliseRef(body.entityRef).ref };
      const stored = await store.addVerification(input, actorOf(creds), clock());
      res.status(201).json(stored);
    }),
  );

  router.get(
    '/entities/:kind/:namespace/:name/feedback',
    handle(async (req, res) => {
      await credentials(req);
      const ref = refOf(parse(entityParams, req.params, 'params'));
      res.json({ entityRef: ref, items: await store.feedback(ref) });
    }),
  );

  router.post(
    '/entities/:kind/:namespace/:name/clusters/:clusterId/feedback',
    handle(async (req, res) => {
      const creds = await authorize(req, serviceGuardFeedbackCreatePermission);
      const { clusterId, ...rest } = req.params;
      const ref = refOf(parse(entityParams, rest, 'params'));
      parse(
        z.object({ clusterId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a cluster id') }),
        { clusterId },
        'params',
      );
      const body = parse(feedbackBody, req.body, 'body');
      const stored = await store.addFeedback(ref, clusterId!, body, actorOf(creds), clock());
      logger.info(
        `service-guard: feedback ${body.action} on ${ref} cluster ${clusterId} by ${stored.createdBy}`,
      );
      res.status(201).json(stored);
    }),
  );

  router.post(
    '/run',
    handle(async (req, res) => {
      await authorize(req, serviceGuardRunTriggerPermission);
      const body = parse(runBody, req.body, 'body');
      if (body.entityRef) {
        const r = await runner.runEntity(normaliseRef(body.entityRef));
        if (r.status === 'not-found') {
          const e = new Error(
            `${body.entityRef} is not in the catalog or has no ${'vigil.dev/service-guard'} annotation`,
          );
          e.name = 'NotFoundError';
          throw e;
        }
        res.json(r);
        return;
      }
      const tasks: string[] = [];
      for (let i = 0; i < options.shards; i++) {
        try {
          await scheduler.triggerTask(shardTaskId(i));
          tasks.push(shardTaskId(i));
        } catch (e) {
          // A shard that is running now will pick up the period anyway.
          if ((e as Error).name !== 'ConflictError') throw e;
        }
      }
      res.status(202).json({ status: 'triggered', tasks });
    }),
  );

  router.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      const fields = [{ path: 'body', message: 'is not valid JSON' }];
      res.status(400).json({ error: { name: 'InputError', message: 'body: is not valid JSON' }, fields });
      return;
    }
    const status = STATUS[err.name] ?? 500;
    if (status === 500) logger.error(`service-guard: ${err.stack ?? err.message}`);
    const body: ServiceGuardErrorBody = {
      error: {
        name: err.name,
        message: status === 500 ? 'internal error; see the backend log' : err.message,
      },
    };
    if (err instanceof InputProblem) body.fields = err.fields;
    res.status(status).json(body);
  });
  return router;
}
