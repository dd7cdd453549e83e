/**
 * Dispatches the repository's rollback workflow, at most once per verification.
 *
 * A step can run again for the same verification: a "re-run failed jobs" (same run id, next attempt), a
 * retry wrapper around the step, or a manual re-run of the whole workflow. Each must find the rollback the
 * first attempt dispatched instead of rolling back twice. So every verification gets an idempotency key
 * derived only from what stays the same across attempts (repository, run id, job, step, service,
 * environment, version, deployment, workflow, the rollback inputs as written, and the matrix leg; never the
 * attempt number or a time), and the dispatch leaves that key where a later attempt can read it back with
 * the same token. Matrix legs share run id, job and step (GitHub tells them apart only by what the workflow
 * passes in), so the leg must be part of the key: `matrix-key: ${{ toJSON(matrix) }}`, and the rollback
 * inputs, which differ per leg (`{"region": "${{ matrix.region }}"}`), are part of it as well.
 *
 * 1. in the dispatched run's title: the key is sent as the workflow input `vigil-key`, and the rollback
 *    workflow shows it with `run-name: ... ${{ inputs.vigil-key }}`; a later attempt lists the workflow's
 *    recent `workflow_dispatch` runs and matches `display_title` (needs only `actions: write`, which the
 *    dispatch needs anyway);
 * 2. in the deployment's status, when `deployment-id` is given: the status written after the dispatch ends
 *    with `[vigil-rollback:<key> run:<id>]`.
 *
 * Either marker is enough. The one gap: a workflow without the key in its run-name, no deployment id, and a
 * step that dies between the dispatch and the status write; the action warns after dispatching when the
 * first marker is missing, so the workflow can be fixed before it matters.
 *
 * GitHub calls are retried by the client (Octokit's retry and throttling plugins, see github.ts). When the
 * look-up for an earlier dispatch still fails, the rollback is dispatched anyway with a warning naming the
 * failed call: a duplicate rollback is recoverable, a bad deploy left in place is not.
 */
import { createHash } from 'node:crypto';
import { describeRequestError, statusOf } from './githubErrors.ts';
import type { RollbackSettings } from './inputs.ts';

/** The part of an Octokit client this module uses (so tests can stand in a fake GitHub). */
export interface RollbackApi {
  rest: {
    actions: {
      createWorkflowDispatch(params: {
        owner: string;
        repo: string;
        workflow_id: string | number;
        ref: string;
        inputs?: Record<string, string>;
        return_run_details?: boolean;
      }): Promise<{ status: number; data: unknown }>;
      listWorkflowRuns(params: {
        owner: string;
        repo: string;
        workflow_id: string | number;
        event?: string;
        per_page?: number;
      }): Promise<{ data: { workflow_runs: { id: number; html_url: string; display_title: string }[] } }>;
      getWorkflowRun(params: {
        owner: string;
        repo: string;
        run_id: number;
      }): Promise<{ data: { id: number; html_url: string; display_title: string } }>;
    };
    repos: {
      listDeploymentStatuses(params: {
        owner: string;
        repo: string;
        deployment_id: number;
        per_page?: number;
      }): Promise<{ data: { description?: string | null }[] }>;
    };
  };
}

/** What stays the same across attempts of one verification. */
export interface RollbackKeyParts {
  repository: string;
  runId: number;
  job: string;
  /** The step's id (`GITHUB_ACTION`). */
  step: string;
  service: string;
  environment?: string;
  version?: string;
  deploymentId?: number;
  workflow: string;
  /** `rollback-inputs` as written (before placeholders are filled): they differ per matrix leg. */
  inputs?: Record<string, string | null>;
  /** `matrix-key`, e.g. `${{ toJSON(matrix) }}`: tells matrix legs of one job apart. */
  matrixKey?: string;
}

/** The idempotency key of one verification's rollback: `vr-` and 16 hex digits. */
export function rollbackKey(p: RollbackKeyParts): string {
  const parts = [
    p.repository,
    p.runId,
    p.job,
    p.step,
    p.service,
    p.environment ?? '',
    p.version ?? '',
    p.deploymentId ?? '',
    p.workflow,
    Object.entries(p.inputs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    // toJSON(matrix) is pretty-printed; its whitespace must not make two attempts of one leg differ.
    canonicalJson(p.matrixKey ?? ''),
  ];
  return `vr-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)}`;
}

/** `text` as compact JSON with sorted keys when it is JSON, else trimmed. */
function canonicalJson(text: string): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  try {
    return JSON.stringify(sorted(JSON.parse(text)));
  } catch {
    return text.trim();
  }
}

/** Values the rollback inputs can use as `{{name}}`. */
export interface RollbackValues {
  version: string;
  reason: string;
  'run-url': string;
  key: string;
  service: string;
  environment: string;
  verdict: string;
  score: string;
}

/** Sent unless `rollback-inputs` removes one (`null`) or replaces it. */
export const defaultRollbackInputs: Record<string, string> = {
  version: '{{version}}',
  reason: '{{reason}}',
  'run-url': '{{run-url}}',
  'vigil-key': '{{key}}',
};

/** GitHub's limit on inputs of one dispatch. */
export const maxDispatchInputs = 25;
/** Long reasons are cut so that the inputs stay readable in the rollback run. */
const maxReasonLength = 1000;

/** The workflow inputs of the dispatch: defaults, overridden by `rollback-inputs`, placeholders filled. */
export function rollbackInputs(
  overrides: Record<string, string | null>,
  values: RollbackValues,
): Record<string, string> {
  const merged: Record<string, string | null> = { ...defaultRollbackInputs, ...overrides };
  const filled: Record<string, string> = {};
  const vals: Record<string, string> = {
    ...values,
    reason:
      values.reason.length > maxReasonLength
        ? `${values.reason.slice(0, maxReasonLength - 1)}…`
        : values.reason,
  };
  for (const [k, v] of Object.entries(merged)) {
    if (v === null) continue;
    filled[k] = v.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (m, name: string) => vals[name] ?? m);
  }
  const n = Object.keys(filled).length;
  if (n > maxDispatchInputs) {
    throw new RollbackError(
      `rollback-inputs: ${n} workflow inputs, GitHub accepts at most ${maxDispatchInputs}; remove some (set them to null)`,
    );
  }
  return filled;
}

/** The marker written into the deployment status after a dispatch. */
export function deploymentMarker(key: string, runId: number | undefined): string {
  return `[vigil-rollback:${key} run:${runId ?? 'unknown'}]`;
}

export class RollbackError extends Error {
  override name = 'RollbackError';
}

export interface RollbackRequest {
  owner: string;
  repo: string;
  settings: RollbackSettings;
  /** `rollback-ref`, else the repository's default branch, else the ref of this run. */
  ref: string;
  key: string;
  inputs: Record<string, string>;
  deploymentId?: number;
  /** `https://github.com` or the GHES host, for run links built from ids. */
  serverUrl: string;
}

export interface RollbackResult {
  /** Undefined only when the API returned no run details (older GitHub Enterprise Server). */
  runId?: number;
  url?: string;
  /** True when an earlier attempt had dispatched it and nothing was sent now. */
  reused: boolean;
  /** Things the workflow author should fix (idempotency markers missing). */
  warnings: string[];
}

/** Dispatches the rollback workflow unless a marker shows that this verification already did. */
export async function dispatchRollbackOnce(api: RollbackApi, req: RollbackRequest): Promise<RollbackResult> {
  const warnings: string[] = [];
  const existing = await findExisting(api, req, warnings);
  if (existing) return { ...existing, reused: true, warnings };

  let res: { status: number; data: unknown };
  try {
    res = await api.rest.actions.createWorkflowDispatch({
      owner: req.owner,
      repo: req.repo,
      workflow_id: workflowId(req.settings.workflow),
      ref: req.ref,
      inputs: req.inputs,
      return_run_details: true,
    });
  } catch (e) {
    throw new RollbackError(dispatchErrorMessage(e, req));
  }
  const details = res.data as { workflow_run_id?: number; html_url?: string } | undefined;
  if (res.status !== 200 || typeof details?.workflow_run_id !== 'number') {
    warnings.push(
      'GitHub returned no run details for the dispatch (return_run_details is not supported by this GitHub), so rollback-run-id is empty and a re-run cannot recognise this rollback by its run',
    );
    return { reused: false, warnings };
  }
  const runId = details.workflow_run_id;
  const url = details.html_url ?? `${req.serverUrl}/${req.owner}/${req.repo}/actions/runs/${runId}`;
  if (req.inputs['vigil-key'] === req.key) {
    try {
      const run = await api.rest.actions.getWorkflowRun({ owner: req.owner, repo: req.repo, run_id: runId });
      if (!run.data.display_title.includes(req.key)) warnings.push(missingRunNameWarning(req));
    } catch {
      // Only a diagnostic: the dispatch itself succeeded.
    }
  } else if (req.deploymentId === undefined) {
    warnings.push(missingRunNameWarning(req));
  }
  return { runId, url, reused: false, warnings };
}

async function findExisting(
  api: RollbackApi,
  req: RollbackRequest,
  warnings: string[],
): Promise<{ runId?: number; url?: string } | undefined> {
  if (req.deploymentId !== undefined) {
    try {
      const { data } = await api.rest.repos.listDeploymentStatuses({
        owner: req.owner,
        repo: req.repo,
        deployment_id: req.deploymentId,
        per_page: 100,
      });
      for (const s of data) {
        const m = /\[vigil-rollback:(vr-[0-9a-f]+) run:(\d+|unknown)\]/.exec(s.description ?? '');
        if (m && m[1] === req.key) {
          if (m[2] === 'unknown') return {};
          const runId = Number(m[2]);
          return { runId, url: `${req.serverUrl}/${req.owner}/${req.repo}/actions/runs/${runId}` };
        }
      }
    } catch (e) {
      warnings.push(
        `could not read the statuses of deployment ${req.deploymentId} to look for an earlier rollback (${statusOf(e) ?? (e as Error).message}); add \`permissions: deployments: write\``,
      );
    }
  }
  try {
    const { data } = await api.rest.actions.listWorkflowRuns({
      owner: req.owner,
      repo: req.repo,
      workflow_id: workflowId(req.settings.workflow),
      event: 'workflow_dispatch',
      per_page: 100,
    });
    const run = data.workflow_runs.find((r) => r.display_title.includes(req.key));
    if (run) return { runId: run.id, url: run.html_url };
  } catch (e) {
    // A missing workflow or permission: the dispatch that follows reports it with a precise message.
    // Anything else (5xx after retries): dispatch anyway, and say which call failed.
    if (statusOf(e) !== 404 && statusOf(e) !== 403) {
      warnings.push(
        `could not check whether an earlier attempt already dispatched this rollback (${describeRequestError(e)}), so it was dispatched without that check; if an earlier attempt had dispatched it, it now runs twice`,
      );
    }
  }
  return undefined;
}

function missingRunNameWarning(req: RollbackRequest): string {
  return `the rollback workflow ${req.settings.workflow} does not show the input vigil-key in its run-name, so a re-run of this job could not recognise this rollback and might dispatch it again: add \`run-name: Rollback \${{ inputs.version }} (\${{ inputs.vigil-key }})\` to it, or pass deployment-id`;
}

/** A numeric id is sent as a number; anything else is a workflow file name. */
/** Where the ref a rollback is dispatched on can come from, most specific first. */
export interface RollbackRefSources {
  /** The `rollback-ref` input. */
  configured?: string | undefined;
  /** The repository's default branch, from the event payload. */
  defaultBranch?: string | undefined;
  /** `GITHUB_REF_NAME`. */
  refName?: string | undefined;
  /** `GITHUB_REF` (`refs/heads/main`, `refs/tags/v1`). */
  ref?: string | undefined;
}

/**
 * The ref to dispatch the rollback workflow on. Outside GitHub Actions (a local run, `act`, another CI) the
 * runner's variables may all be missing: then this throws, naming them and the input that replaces them,
 * rather than dispatching on an empty ref when the deploy is already bad.
 */
export function rollbackRefOf(s: RollbackRefSources): string {
  const ref =
    s.configured || s.defaultBranch || s.refName || (s.ref ?? '').replace(/^refs\/(heads|tags)\//, '');
  if (!ref)
    throw new Error(
      'cannot tell which ref to dispatch the rollback workflow on: GITHUB_REF and GITHUB_REF_NAME are not set and the event has no repository default branch (is this running outside GitHub Actions?); set the rollback-ref input',
    );
  return ref;
}

export function workflowId(workflow: string): string | number {
  return /^\d+$/.test(workflow) ? Number(workflow) : workflow;
}

/** Turns GitHub's answer into what to change in the workflow, naming the input or permission. */
export function dispatchErrorMessage(
  e: unknown,
  req: Pick<RollbackRequest, 'owner' | 'repo' | 'ref' | 'settings'>,
) {
  const status = statusOf(e);
  const message = (e as Error)?.message ?? String(e);
  const wf = req.settings.workflow;
  const where = `${req.owner}/${req.repo}`;
  if (status === 403 || status === 401) {
    return `cannot dispatch the rollback workflow ${wf} in ${where}: the token may not run workflows (${status}: ${message}). Add \`permissions: actions: write\` to the job that runs Vigil, or pass a github-token that has it.`;
  }
  if (status === 404) {
    return `rollback-workflow "${wf}" was not found in ${where}: give the file name of a workflow under .github/workflows (e.g. rollback.yml) or its numeric id, and check that the token can read the repository.`;
  }
  if (status === 422) {
    if (/workflow_dispatch/i.test(message)) {
      return `rollback-workflow "${wf}" cannot be dispatched: add \`on: workflow_dispatch\` (with inputs version, reason, run-url, vigil-key) to it on ref ${req.ref}.`;
    }
    const unexpected = /Unexpected inputs provided: (.*)/i.exec(message);
    if (unexpected) {
      return `rollback-workflow "${wf}" does not declare the inputs ${unexpected[1]}: declare them under on.workflow_dispatch.inputs, or drop them with rollback-inputs (e.g. {"vigil-key": null}).`;
    }
    if (/ref/i.test(message)) {
      return `rollback-ref "${req.ref}" is not a branch or tag of ${where} (${message}): set rollback-ref to the branch that holds ${wf}.`;
    }
  }
  return `dispatching the rollback workflow ${wf} in ${where} failed (${describeRequestError(e)})`;
}
