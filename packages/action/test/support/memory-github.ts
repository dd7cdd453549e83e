/**
 * An in-memory stand-in for the few GitHub REST calls the rollback and deployment code makes, with GitHub's
 * behaviour where it matters: a workflow's run-name is rendered from the dispatch inputs into
 * `display_title`, undeclared inputs are refused with 422, unknown workflows give 404, a token without
 * `actions: write` gets 403. Errors carry `status` like Octokit's RequestError.
 */
import type { DeploymentApi } from '../../src/deployment.ts';
import type { RollbackApi } from '../../src/rollback.ts';

export interface FakeWorkflow {
  inputs: string[];
  /** Renders `run-name`; absent: the workflow's name is the title. */
  runName?: (inputs: Record<string, string>) => string;
  triggers?: string[];
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface Dispatch {
  workflow: string | number;
  ref: string;
  inputs: Record<string, string>;
  runId: number;
}

export function memoryGitHub(options: {
  workflows: Record<string, FakeWorkflow>;
  canDispatch?: boolean;
  canReadDeployments?: boolean;
  returnRunDetails?: boolean;
  /** Status of a failure every listWorkflowRuns call answers with (a 5xx left after the client's retries). */
  listRunsFails?: number;
}) {
  const dispatches: Dispatch[] = [];
  const runs: { id: number; html_url: string; display_title: string; workflow: string }[] = [];
  const statuses = new Map<number, { state: string; description?: string; log_url?: string }[]>();
  let nextRun = 9000;
  const workflowOf = (id: string | number) => {
    const wf = options.workflows[String(id)];
    if (!wf) throw new HttpError(404, 'Not Found');
    return wf;
  };
  const api: RollbackApi & DeploymentApi = {
    rest: {
      actions: {
        async createWorkflowDispatch(p) {
          if (options.canDispatch === false)
            throw new HttpError(403, 'Resource not accessible by integration');
          const wf = workflowOf(p.workflow_id);
          if (!(wf.triggers ?? ['workflow_dispatch']).includes('workflow_dispatch')) {
            throw new HttpError(422, "Workflow does not have 'workflow_dispatch' trigger");
          }
          const unexpected = Object.keys(p.inputs ?? {}).filter((k) => !wf.inputs.includes(k));
          if (unexpected.length > 0) {
            throw new HttpError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
          }
          const id = nextRun++;
          const html_url = `https://github.com/o/r/actions/runs/${id}`;
          dispatches.push({ workflow: p.workflow_id, ref: p.ref, inputs: { ...p.inputs }, runId: id });
          runs.unshift({
            id,
            html_url,
            display_title: wf.runName ? wf.runName(p.inputs ?? {}) : 'Rollback',
            workflow: String(p.workflow_id),
          });
          if (options.returnRunDetails === false || !p.return_run_details)
            return { status: 204, data: undefined };
          return { status: 200, data: { workflow_run_id: id, run_url: `https://api/runs/${id}`, html_url } };
        },
        async listWorkflowRuns(p) {
          if (options.listRunsFails !== undefined)
            throw Object.assign(new HttpError(options.listRunsFails, 'Server Error'), {
              request: {
                method: 'GET',
                url: `https://api.github.com/repos/o/r/actions/workflows/${p.workflow_id}/runs`,
              },
            });
          workflowOf(p.workflow_id);
          return { data: { workflow_runs: runs.filter((r) => r.workflow === String(p.workflow_id)) } };
        },
        async getWorkflowRun(p) {
          const run = runs.find((r) => r.id === p.run_id);
          if (!run) throw new HttpError(404, 'Not Found');
          return { data: run };
        },
      },
      repos: {
        async listDeploymentStatuses(p) {
          if (options.canReadDeployments === false)
            throw new HttpError(403, 'Resource not accessible by integration');
          return { data: [...(statuses.get(p.deployment_id) ?? [])].reverse() };
        },
        async createDeploymentStatus(p) {
          const list = statuses.get(p.deployment_id) ?? [];
          list.push({
            state: p.state,
            ...(p.description ? { description: p.description } : {}),
            ...(p.log_url ? { log_url: p.log_url } : {}),
          });
          statuses.set(p.deployment_id, list);
          return { status: 201, data: {} };
        },
      },
    },
  };
  return { api, dispatches, runs, statuses };
}
