/**
 * Checks the rollback workflow when the step starts, so that a wrong name, a workflow that cannot be
 * dispatched with the inputs Vigil sends, or a token without `actions: write` shows up at once, not when a
 * bad deploy needs rolling back:
 *
 * 1. the workflow exists and is active (`GET .../actions/workflows/{workflow}`);
 * 2. its file, read at the ref the rollback runs on, has `on: workflow_dispatch` declaring every input Vigil
 *    sends and requiring none it does not send, and shows `inputs.vigil-key` in its run-name;
 * 3. the token may dispatch it: a dispatch on a ref that does not exist is refused with 422 (no ref) only
 *    after GitHub has authorised it, and with 403 when the token lacks `actions: write`; nothing runs.
 *
 * What is certainly wrong is a problem; what could not be checked (a file the token may not read, a 5xx) is a
 * warning.
 */
import { parse as parseYaml } from 'yaml';
import { describeRequestError, statusOf } from './githubErrors.ts';
import { type RollbackApi, workflowId } from './rollback.ts';

/** The part of an Octokit client the check uses (so tests can stand in a fake GitHub). */
export interface WorkflowCheckApi {
  rest: {
    actions: Pick<RollbackApi['rest']['actions'], 'createWorkflowDispatch'> & {
      getWorkflow(params: {
        owner: string;
        repo: string;
        workflow_id: string | number;
      }): Promise<{ data: { id: number; path: string; state: string; name: string } }>;
    };
    repos: {
      getContent(params: {
        owner: string;
        repo: string;
        path: string;
        ref?: string;
      }): Promise<{ data: unknown }>;
    };
  };
}

export interface WorkflowCheckRequest {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  /** Names of the workflow inputs the dispatch will send. */
  inputs: string[];
  /** A deployment id is given: the run-name marker is not the only idempotency marker. */
  hasDeploymentMarker: boolean;
}

export interface WorkflowCheck {
  problems: string[];
  warnings: string[];
}

/** A ref no repository has: the permission probe must never start a run. */
const probeRef = 'refs/heads/vigil-permission-probe/does-not-exist';

export async function checkRollbackWorkflow(
  api: WorkflowCheckApi,
  req: WorkflowCheckRequest,
): Promise<WorkflowCheck> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const where = `${req.owner}/${req.repo}`;
  const wf = req.workflow;
  const fix =
    'give the file name of a workflow under .github/workflows (e.g. rollback.yml) or its numeric id';

  let path: string | undefined;
  try {
    const { data } = await api.rest.actions.getWorkflow({
      owner: req.owner,
      repo: req.repo,
      workflow_id: workflowId(wf),
    });
    path = data.path;
    if (data.state !== 'active')
      problems.push(`rollback-workflow "${wf}" is ${data.state.replace(/_/g, ' ')} in ${where}: enable it`);
  } catch (e) {
    const status = statusOf(e);
    if (status === 404) problems.push(`rollback-workflow "${wf}" was not found in ${where}: ${fix}.`);
    else if (status === 401 || status === 403)
      warnings.push(
        `could not look up rollback-workflow "${wf}" (${describeRequestError(e)}): add \`permissions: actions: write\` to the job`,
      );
    else warnings.push(`could not look up rollback-workflow "${wf}" (${describeRequestError(e)})`);
  }
  if (path === undefined && problems.length > 0) return { problems, warnings };

  if (path !== undefined) await checkFile(api, req, path, problems, warnings);

  try {
    await api.rest.actions.createWorkflowDispatch({
      owner: req.owner,
      repo: req.repo,
      workflow_id: workflowId(wf),
      ref: probeRef,
    });
    warnings.push(
      `the permission check of rollback-workflow "${wf}" was accepted on a ref that should not exist (${probeRef})`,
    );
  } catch (e) {
    const status = statusOf(e);
    if (status === 401 || status === 403) {
      problems.push(
        `the token may not dispatch rollback-workflow "${wf}" in ${where} (${describeRequestError(e)}): add \`permissions: actions: write\` to the job that runs Vigil, or pass a github-token that has it`,
      );
    } else if (status === 404 && path === undefined) {
      problems.push(`rollback-workflow "${wf}" was not found in ${where}: ${fix}.`);
    } else if (status !== 422) {
      warnings.push(
        `could not check that the token may dispatch rollback-workflow "${wf}" (${describeRequestError(e)})`,
      );
    }
  }
  return { problems, warnings };
}

async function checkFile(
  api: WorkflowCheckApi,
  req: WorkflowCheckRequest,
  path: string,
  problems: string[],
  warnings: string[],
): Promise<void> {
  let text: string;
  try {
    const { data } = await api.rest.repos.getContent({
      owner: req.owner,
      repo: req.repo,
      path,
      ref: req.ref,
    });
    const file = data as { content?: string; encoding?: string };
    if (typeof file.content !== 'string') throw new Error(`${path} is not a file`);
    text = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  } catch (e) {
    warnings.push(
      `could not read ${path} at ${req.ref} to check its workflow_dispatch inputs (${describeRequestError(e)}); \`permissions: contents: read\` lets Vigil check it`,
    );
    return;
  }
  let doc: { on?: unknown; 'run-name'?: unknown };
  try {
    doc = (parseYaml(text) ?? {}) as typeof doc;
  } catch (e) {
    problems.push(`${path} at ${req.ref} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  const on = doc.on;
  const triggers =
    typeof on === 'string'
      ? [on]
      : Array.isArray(on)
        ? on
        : on && typeof on === 'object'
          ? Object.keys(on)
          : [];
  if (!triggers.includes('workflow_dispatch')) {
    problems.push(
      `rollback-workflow ${path} cannot be dispatched: add \`on: workflow_dispatch\` with the inputs ${req.inputs.join(', ')} (ref ${req.ref})`,
    );
    return;
  }
  const dispatch =
    on && typeof on === 'object' && !Array.isArray(on)
      ? (on as Record<string, unknown>).workflow_dispatch
      : undefined;
  const declared = ((
    dispatch as { inputs?: Record<string, { required?: boolean; default?: unknown }> } | null
  )?.inputs ?? {}) as Record<string, { required?: boolean; default?: unknown } | null>;
  const undeclared = req.inputs.filter((i) => !(i in declared));
  if (undeclared.length > 0) {
    problems.push(
      `rollback-workflow ${path} does not declare the inputs ${undeclared.join(', ')} that Vigil sends: declare them under on.workflow_dispatch.inputs, or drop them with rollback-inputs (e.g. {"${undeclared[0]}": null})`,
    );
  }
  const unsent = Object.entries(declared)
    .filter(([name, d]) => d?.required === true && d.default === undefined && !req.inputs.includes(name))
    .map(([name]) => name);
  if (unsent.length > 0) {
    problems.push(
      `rollback-workflow ${path} requires the inputs ${unsent.join(', ')}, which Vigil does not send: add them to rollback-inputs`,
    );
  }
  const runName = typeof doc['run-name'] === 'string' ? doc['run-name'] : '';
  if (req.inputs.includes('vigil-key') && !/inputs\.vigil-key/.test(runName) && !req.hasDeploymentMarker) {
    warnings.push(
      `rollback-workflow ${path} does not show inputs.vigil-key in its run-name, so a re-run of this job could not recognise a rollback it already dispatched: add \`run-name: Rollback \${{ inputs.version }} (\${{ inputs.vigil-key }})\`, or pass deployment-id`,
    );
  }
}
