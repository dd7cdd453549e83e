/**
 * Sends the verification to the Service Guard backend of Backstage (`POST /api/service-guard/verifications`),
 * so the entity's page lists the deployments the Action verified. Shape: `DeploymentVerificationInput` of
 * the plugin's common package (only its types are used, so none of Backstage lands in the bundle).
 */
import type { DeploymentVerificationInput } from '@vigil/backstage-plugin-service-guard-common';
import type { Report } from '@vigil/core';

export interface VerificationContext {
  entityRef: string;
  /** `owner/name`. */
  repository?: string;
  commitSha?: string;
  runUrl?: string;
  /** The rollback workflow run dispatched after this verification (or by an earlier attempt of it), when any. */
  rollbackRunUrl?: string;
}

/**
 * The backend's limits (its request validation, `VERIFICATION_LIMITS` of the Service Guard backend): longer
 * texts are cut, extra metrics dropped, so a verification always fits (well under its 256 KB body limit).
 */
const maxText = 4000;
const maxExplanation = 1000;
const maxMetrics = 100;
const maxUrl = 2000;

/** Whether the backend takes the address (http or https, at most 2,000 characters). */
function acceptedUrl(u: string | undefined): u is string {
  if (!u || u.length > maxUrl) return false;
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
}

/** The body of the POST, built from the report. */
export function verificationInput(report: Report, ctx: VerificationContext): DeploymentVerificationInput {
  const cut = (s: string, max = maxText) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  return {
    entityRef: ctx.entityRef,
    verdict: report.verdict,
    score: report.score,
    reason: cut(report.reason || `verdict ${report.verdict}`),
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    ...(report.version ? { version: report.version } : {}),
    ...(report.environment ? { environment: report.environment } : {}),
    strategy: report.strategy.type,
    ...(ctx.repository ? { repository: ctx.repository } : {}),
    ...(ctx.commitSha ? { commitSha: ctx.commitSha } : {}),
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
    // An address the backend would refuse would cost the whole verification, so it is left out instead.
    ...(acceptedUrl(ctx.rollbackRunUrl) ? { rollbackRunUrl: ctx.rollbackRunUrl } : {}),
    metrics: report.metrics.slice(0, maxMetrics).map((m) => ({
      metric: m.metric,
      outcome: m.outcome,
      risk: m.risk,
      explanation: cut(m.explanation, maxExplanation),
    })),
    ...(report.logs
      ? {
          logs: {
            outcome: report.logs.outcome,
            risk: report.logs.risk,
            explanation: cut(report.logs.explanation),
          },
        }
      : {}),
  };
}

/** The default entity of a service: `component:default/<service>`. */
export function defaultEntityRef(service: string): string {
  return `component:default/${service.toLowerCase()}`;
}

/**
 * POSTs the verification with the token as a bearer credential (a Backstage static token or external
 * access token). Resolves with the stored verification's id; errors never contain the token.
 */
export async function postVerification(
  baseUrl: string,
  token: string,
  body: DeploymentVerificationInput,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/service-guard/verifications`;
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new Error(`cannot reach Backstage at ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as {
        error?: { message?: string };
        fields?: { path: string; message: string }[];
      };
      detail = [parsed.error?.message, ...(parsed.fields ?? []).map((f) => `${f.path} ${f.message}`)]
        .filter(Boolean)
        .join('; ');
    } catch {
      // not JSON: keep the text
    }
    const hint =
      res.status === 401 || res.status === 403
        ? ': check backstage-token (a static or JWKS token of backend.auth.externalAccess that may call service-guard; a user token is refused)'
        : res.status === 404
          ? ': check backstage-url, that the Service Guard backend plugin is installed, and that the entity is in the catalog'
          : '';
    throw new Error(`Backstage answered ${res.status} to POST ${url}${detail ? ` (${detail})` : ''}${hint}`);
  }
  try {
    return (JSON.parse(text) as { id?: string }).id;
  } catch {
    return undefined;
  }
}
