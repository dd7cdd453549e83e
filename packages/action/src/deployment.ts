/**
 * Sets the status of the GitHub deployment that was verified (`deployment-id`): success or failure, with a
 * link to the workflow run, and the rollback marker (see rollback.ts) when a rollback was dispatched.
 */
import type { Report } from '@vigil/core';
import { deploymentMarker } from './rollback.ts';

/** The part of an Octokit client this module uses. */
export interface DeploymentApi {
  rest: {
    repos: {
      createDeploymentStatus(params: {
        owner: string;
        repo: string;
        deployment_id: number;
        state: DeploymentState;
        description?: string;
        log_url?: string;
        auto_inactive?: boolean;
      }): Promise<{ status: number; data: unknown }>;
    };
  };
}

/** Deployment states Vigil sets: `error` is an inconclusive verification that was not waved through. */
export type DeploymentState = 'success' | 'failure' | 'error';

/** GitHub's limit on a deployment status description. */
export const maxDescriptionLength = 140;

/** The deployment state for a verdict; `inconclusivePasses` when on-inconclusive is `pass`. */
export function deploymentState(verdict: Report['verdict'], inconclusivePasses: boolean): DeploymentState {
  if (verdict === 'pass') return 'success';
  if (verdict === 'fail') return 'failure';
  return inconclusivePasses ? 'success' : 'error';
}

/**
 * `Vigil fail (score 12): p99 latency +85%… [vigil-rollback:vr-… run:123]`, at most 140 characters; the
 * marker is kept whole and the reason is cut.
 */
export function deploymentDescription(
  report: Pick<Report, 'verdict' | 'score' | 'reason'>,
  rollback?: { key: string; runId?: number },
): string {
  const marker = rollback ? ` ${deploymentMarker(rollback.key, rollback.runId)}` : '';
  const text = `Vigil ${report.verdict} (score ${Math.round(report.score)}): ${report.reason.replace(/\s+/g, ' ')}`;
  const room = maxDescriptionLength - marker.length;
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text}${marker}`;
}

export interface DeploymentStatusRequest {
  owner: string;
  repo: string;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  /** The workflow run that verified the deployment. */
  runUrl: string;
}

/** Writes the status; errors say which permission or input to fix. */
export async function setDeploymentStatus(api: DeploymentApi, req: DeploymentStatusRequest): Promise<void> {
  try {
    await api.rest.repos.createDeploymentStatus({
      owner: req.owner,
      repo: req.repo,
      deployment_id: req.deploymentId,
      state: req.state,
      description: req.description,
      log_url: req.runUrl,
      // A failed verification must not retire the previous good deployment.
      auto_inactive: req.state === 'success',
    });
  } catch (e) {
    const status = (e as { status?: number }).status;
    const message = (e as Error).message;
    if (status === 403 || status === 401) {
      throw new Error(
        `cannot set the status of deployment ${req.deploymentId} (${status}: ${message}): add \`permissions: deployments: write\` to the job`,
      );
    }
    if (status === 404) {
      throw new Error(
        `deployment-id ${req.deploymentId} is not a deployment of ${req.owner}/${req.repo}: pass the id your deploy step created (e.g. \${{ steps.deploy.outputs.deployment-id }})`,
      );
    }
    throw new Error(`setting the status of deployment ${req.deploymentId} failed: ${message}`);
  }
}
