/**
 * A local GitHub REST API (node:http on 127.0.0.1) for running the built Action as a runner does: the
 * workflow dispatch, workflow runs and deployment statuses it uses, every request and response validated
 * against GitHub's OpenAPI description from `@octokit/openapi`. Its state (dispatched runs, statuses)
 * outlives a step, so a second attempt of the step sees what the first one left, as on github.com.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import {
  startFake,
  type FakeRequest,
  type FakeReply,
  type FakeServer,
} from '../../../providers/test/support/fake-server.ts';

const require = createRequire(import.meta.url);
/** GitHub's REST API description, shipped in @octokit/openapi (a devDependency). */
export const githubOpenApiFile = require.resolve('@octokit/openapi/generated/api.github.com.json');

/**
 * The providers' OpenAPI validator reads files under VIGIL_SPECS_DIR, fixed when its module loads; so it is
 * loaded here, once, pointed at @octokit/openapi's folder.
 */
async function githubValidator() {
  const saved = process.env.VIGIL_SPECS_DIR;
  process.env.VIGIL_SPECS_DIR = dirname(githubOpenApiFile);
  try {
    const { loadOpenApi, specsDir } = await import('../../../providers/test/support/openapi.ts');
    if (specsDir !== dirname(githubOpenApiFile))
      throw new Error(`openapi.ts was loaded earlier with ${specsDir}`);
    return loadOpenApi(basename(githubOpenApiFile));
  } finally {
    if (saved === undefined) delete process.env.VIGIL_SPECS_DIR;
    else process.env.VIGIL_SPECS_DIR = saved;
  }
}

export interface FakeWorkflow {
  id: number;
  path: string;
  inputs: string[];
  /** Renders the workflow's `run-name` from the dispatch inputs. */
  runName: (inputs: Record<string, string>) => string;
  /** The workflow file as committed (served by the contents API); default one built from `inputs`. */
  file?: string;
}

/** What a token may do, as GitHub decides from the job's `permissions:`. */
export interface FakeToken {
  actions: 'write' | 'read' | 'none';
}

export interface FakeGitHub {
  url: string;
  server: FakeServer;
  dispatches: {
    workflow: string;
    body: { ref: string; inputs?: Record<string, string>; return_run_details?: boolean };
    runId: number;
  }[];
  statuses: Map<number, Record<string, unknown>[]>;
  /** The next `times` requests that `match` accepts answer `status` instead (a 5xx, a rate limit). */
  failNext(match: (req: FakeRequest) => boolean, status: number, times?: number): void;
  close(): Promise<void>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export async function startFakeGitHub(options: {
  owner: string;
  repo: string;
  workflows: Record<string, FakeWorkflow>;
  deployments: number[];
  /** Branches that exist; a dispatch on another ref is refused with 422 (after the permission check). */
  branches?: string[];
  /** Tokens and what they may do; a token not listed may do everything. */
  tokens?: Record<string, FakeToken>;
}): Promise<FakeGitHub> {
  const { owner, repo } = options;
  const api = 'https://api.github.com';
  const html = 'https://github.com';
  const runs: Record<string, unknown>[] = [];
  const dispatches: FakeGitHub['dispatches'] = [];
  const statuses = new Map<number, Record<string, unknown>[]>(options.deployments.map((d) => [d, []]));
  let nextRun = 8_000_001;
  let nextStatus = 1;

  const prefix = `/repos/${owner}/${repo}`;
  const notFound: FakeReply = {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
  };
  const workflowOf = (id: string) =>
    Object.values(options.workflows).find((w) => String(w.id) === id || w.path.endsWith(`/${id}`));

  const branches = options.branches ?? ['main'];
  const failures: { match: (req: FakeRequest) => boolean; status: number }[] = [];
  const tokenOf = (req: FakeRequest) => {
    const auth = String(req.headers.authorization ?? '');
    return options.tokens?.[auth.replace(/^(token|bearer)\s+/i, '')];
  };
  const serverError = (status: number): FakeReply => ({
    status,
    body: {
      message: status === 403 ? 'You have exceeded a secondary rate limit' : 'Server Error',
      documentation_url: 'x',
      status: String(status),
    },
  });

  const handler = (req: FakeRequest): FakeReply => {
    const p = req.path;
    const failure = failures.findIndex((f) => f.match(req));
    if (failure >= 0) return serverError(failures.splice(failure, 1)[0]!.status);
    let m = new RegExp(`^${prefix}/actions/workflows/([^/]+)/dispatches$`).exec(p);
    if (m && req.method === 'POST') {
      if (tokenOf(req) && tokenOf(req)!.actions !== 'write') {
        return {
          status: 403,
          body: { message: 'Resource not accessible by integration', documentation_url: 'x', status: '403' },
        };
      }
      const wf = workflowOf(decodeURIComponent(m[1]!));
      if (!wf) return notFound;
      const ref = (req.body as { ref?: string }).ref ?? '';
      if (!branches.includes(ref.replace(/^refs\/heads\//, ''))) {
        return {
          status: 422,
          body: { message: `No ref found for: ${ref}`, documentation_url: 'x', status: '422' },
        };
      }
      const body = req.body as FakeGitHub['dispatches'][number]['body'];
      const unexpected = Object.keys(body.inputs ?? {}).filter((k) => !wf.inputs.includes(k));
      if (unexpected.length > 0) {
        return {
          status: 422,
          body: {
            message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}`,
            documentation_url: 'x',
            status: '422',
          },
        };
      }
      const id = nextRun++;
      dispatches.push({ workflow: m[1]!, body, runId: id });
      runs.unshift(workflowRun(id, wf, wf.runName(body.inputs ?? {}), body.ref));
      if (!body.return_run_details) return { status: 204 };
      return {
        status: 200,
        body: {
          workflow_run_id: id,
          run_url: `${api}${prefix}/actions/runs/${id}`,
          html_url: `${html}/${owner}/${repo}/actions/runs/${id}`,
        },
      };
    }
    m = new RegExp(`^${prefix}/actions/workflows/([^/]+)/runs$`).exec(p);
    if (m && req.method === 'GET') {
      const wf = workflowOf(decodeURIComponent(m[1]!));
      if (!wf) return notFound;
      const event = req.query.get('event');
      const list = runs.filter((r) => r.workflow_id === wf.id && (!event || r.event === event));
      const perPage = Number(req.query.get('per_page') ?? 30);
      return { status: 200, body: { total_count: list.length, workflow_runs: list.slice(0, perPage) } };
    }
    m = new RegExp(`^${prefix}/actions/workflows/([^/]+)$`).exec(p);
    if (m && req.method === 'GET') {
      if (tokenOf(req)?.actions === 'none') {
        return {
          status: 403,
          body: { message: 'Resource not accessible by integration', documentation_url: 'x', status: '403' },
        };
      }
      const wf = workflowOf(decodeURIComponent(m[1]!));
      if (!wf) return notFound;
      return { status: 200, body: workflowObject(wf) };
    }
    m = new RegExp(`^${prefix}/contents/(.+)$`).exec(p);
    if (m && req.method === 'GET') {
      const path = decodeURIComponent(m[1]!);
      const wf = Object.values(options.workflows).find((w) => w.path === path);
      if (!wf) return notFound;
      return { status: 200, body: contentFile(path, wf.file ?? workflowFile(wf)) };
    }
    m = new RegExp(`^${prefix}/actions/runs/(\\d+)$`).exec(p);
    if (m && req.method === 'GET') {
      const run = runs.find((r) => r.id === Number(m![1]));
      return run ? { status: 200, body: run } : notFound;
    }
    m = new RegExp(`^${prefix}/deployments/(\\d+)/statuses$`).exec(p);
    if (m) {
      const id = Number(m[1]);
      const list = statuses.get(id);
      if (!list) return notFound;
      if (req.method === 'GET') return { status: 200, body: [...list].reverse() };
      const b = req.body as { state: string; description?: string; log_url?: string; environment?: string };
      const status = deploymentStatus(nextStatus++, id, b);
      list.push(status);
      return { status: 201, body: status };
    }
    return notFound;
  };

  function workflowFile(wf: FakeWorkflow): string {
    const inputs = wf.inputs
      .map((i) => `      ${i}:\n        type: string\n        required: false`)
      .join('\n');
    return `name: Rollback\nrun-name: Rollback \${{ inputs.version }} (\${{ inputs.vigil-key }})\non:\n  workflow_dispatch:\n    inputs:\n${inputs}\njobs:\n  rollback:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./rollback.sh\n`;
  }

  function workflowObject(wf: FakeWorkflow): Record<string, unknown> {
    return {
      id: wf.id,
      node_id: `W_${wf.id}`,
      name: 'Rollback',
      path: wf.path,
      state: 'active',
      created_at: now(),
      updated_at: now(),
      url: `${api}${prefix}/actions/workflows/${wf.id}`,
      html_url: `${html}/${owner}/${repo}/blob/main/${wf.path}`,
      badge_url: `${html}/${owner}/${repo}/workflows/Rollback/badge.svg`,
    };
  }

  function contentFile(path: string, text: string): Record<string, unknown> {
    const url = `${api}${prefix}/contents/${path}?ref=main`;
    const sha = 'c'.repeat(40);
    return {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(text),
      name: path.split('/').at(-1),
      path,
      content: Buffer.from(text).toString('base64'),
      sha,
      url,
      git_url: `${api}${prefix}/git/blobs/${sha}`,
      html_url: `${html}/${owner}/${repo}/blob/main/${path}`,
      download_url: `https://raw.githubusercontent.com/${owner}/${repo}/main/${path}`,
      _links: {
        self: url,
        git: `${api}${prefix}/git/blobs/${sha}`,
        html: `${html}/${owner}/${repo}/blob/main/${path}`,
      },
    };
  }

  function workflowRun(id: number, wf: FakeWorkflow, title: string, ref: string): Record<string, unknown> {
    const runApi = `${api}${prefix}/actions/runs/${id}`;
    return {
      id,
      name: 'Rollback',
      node_id: `WFR_${id}`,
      head_branch: ref,
      head_sha: 'a'.repeat(40),
      path: wf.path,
      display_title: title,
      run_number: id % 1000,
      run_attempt: 1,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      workflow_id: wf.id,
      url: runApi,
      html_url: `${html}/${owner}/${repo}/actions/runs/${id}`,
      pull_requests: [],
      created_at: now(),
      updated_at: now(),
      jobs_url: `${runApi}/jobs`,
      logs_url: `${runApi}/logs`,
      check_suite_url: `${api}${prefix}/check-suites/${id}`,
      artifacts_url: `${runApi}/artifacts`,
      cancel_url: `${runApi}/cancel`,
      rerun_url: `${runApi}/rerun`,
      workflow_url: `${api}${prefix}/actions/workflows/${wf.id}`,
      head_commit: null,
      repository: repository(),
      head_repository: repository(),
    };
  }

  function user(): Record<string, unknown> {
    const u = `${api}/users/github-actions%5Bbot%5D`;
    return {
      login: 'github-actions[bot]',
      id: 41898282,
      node_id: 'MDM6Qm90NDE4OTgyODI=',
      avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
      gravatar_id: '',
      url: u,
      html_url: 'https://github.com/apps/github-actions',
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: 'Bot',
      site_admin: false,
    };
  }

  function repository(): Record<string, unknown> {
    const r = `${api}${prefix}`;
    const urls = Object.fromEntries(
      [
        'archive',
        'assignees',
        'blobs',
        'branches',
        'collaborators',
        'comments',
        'commits',
        'compare',
        'contents',
        'contributors',
        'deployments',
        'downloads',
        'events',
        'forks',
        'git_commits',
        'git_refs',
        'git_tags',
        'hooks',
        'issue_comment',
        'issue_events',
        'issues',
        'keys',
        'labels',
        'languages',
        'merges',
        'milestones',
        'notifications',
        'pulls',
        'releases',
        'stargazers',
        'statuses',
        'subscribers',
        'subscription',
        'tags',
        'teams',
        'trees',
      ].map((k) => [`${k}_url`, `${r}/${k.replace('_', '/')}`]),
    );
    return {
      id: 1296269,
      node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: user(),
      private: false,
      html_url: `${html}/${owner}/${repo}`,
      description: null,
      fork: false,
      url: r,
      ...urls,
    };
  }

  function deploymentStatus(
    id: number,
    deployment: number,
    b: { state: string; description?: string; log_url?: string; environment?: string },
  ): Record<string, unknown> {
    return {
      url: `${api}${prefix}/deployments/${deployment}/statuses/${id}`,
      id,
      node_id: `DES_${id}`,
      state: b.state,
      creator: user(),
      description: b.description ?? '',
      environment: b.environment ?? 'production',
      target_url: b.log_url ?? '',
      log_url: b.log_url ?? '',
      created_at: now(),
      updated_at: now(),
      deployment_url: `${api}${prefix}/deployments/${deployment}`,
      repository_url: `${api}${prefix}`,
    };
  }

  const validator = await githubValidator();
  const server = await startFake(handler, validator);
  return {
    url: server.url,
    server,
    dispatches,
    statuses,
    failNext(match, status, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ match, status });
    },
    close: () => server.close(),
  };
}
