/**
 * The Action's entry point: mask credentials, read inputs, build or load the spec, check the providers,
 * verify, then act on the verdict (summary, annotations, outputs, rollback, deployment status, Backstage).
 * The logic lives in the modules it calls; this file only wires them to the runner.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { context, getOctokit } from '@actions/github';
import { formatDuration, type Progress, type Report, type Spec } from '@vigil/core';
import { type ProviderConfig, redact, secretsOf } from '@vigil/providers';
import { openSources, verify } from '@vigil/runtime';
import { defaultEntityRef, postVerification, verificationInput } from './backstage.ts';
import { decide } from './decision.ts';
import {
  type DeploymentApi,
  deploymentDescription,
  deploymentState,
  setDeploymentStatus,
} from './deployment.ts';
import { type ActionInputs, readInputs, secretInputValues, specEnv } from './inputs.ts';
import {
  dispatchRollbackOnce,
  type RollbackApi,
  type RollbackResult,
  rollbackInputs,
  rollbackKey,
} from './rollback.ts';
import { resolveSpec } from './spec.ts';
import { type ActionOutcome, annotate, summaryMarkdown, writeSummary } from './summary.ts';

/** Runs the Action; never throws (failures go to `core.setFailed`). */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const getInput = (name: string) => core.getInput(name);
  // Masked first: nothing below may print a credential, not even inside an error about a bad input.
  const secrets = secretInputValues(getInput);
  for (const s of secrets) core.setSecret(s);
  try {
    const inputs = readInputs(getInput);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const { spec, specDir } = await resolveSpec(inputs.spec, inputs.inline, {
      workspace,
      env: specEnv(inputs.inline, env),
    });
    for (const config of Object.values(spec.providers)) {
      for (const s of secretsOf(config as ProviderConfig)) {
        if (secrets.includes(s)) continue;
        core.setSecret(s);
        secrets.push(s);
      }
    }
    await verifyAndAct(inputs, spec, specDir, env, secrets);
  } catch (e) {
    core.setFailed(redact((e as Error).message ?? String(e), secrets));
  }
}

async function verifyAndAct(
  inputs: ActionInputs,
  spec: Spec,
  specDir: string,
  env: NodeJS.ProcessEnv,
  secrets: string[],
): Promise<void> {
  if (inputs.preflight) await preflight(spec, specDir, secrets);

  const runUrl = `${context.serverUrl}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${context.runId}`;
  const reportDir = resolve(
    env.GITHUB_WORKSPACE ?? process.cwd(),
    inputs.reportDir ?? join(env.RUNNER_TEMP ?? tmpdir(), `vigil-${context.runId}-${context.runAttempt}`),
  );
  const controller = new AbortController();
  const cancel = () => controller.abort(new Error('the job was cancelled'));
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  core.info(
    `Vigil: verifying ${spec.service}${spec.version ? ` ${spec.version}` : ''} for ${spec.duration} (every ${spec.interval}, sensitivity ${spec.sensitivity})`,
  );
  const { report, files } = await verify({
    spec,
    specDir,
    reportDir,
    signal: controller.signal,
    onProgress: (p) => core.info(progressLine(p)),
    links: { run: runUrl },
    ...(env.GITHUB_RUN_ID ? { id: `${env.GITHUB_RUN_ID}-${context.runAttempt}-${context.job}` } : {}),
  });
  process.off('SIGINT', cancel);
  process.off('SIGTERM', cancel);

  core.setOutput('verdict', report.verdict);
  core.setOutput('score', String(Math.round(report.score * 10) / 10));
  core.setOutput('reason', report.reason);
  if (files) {
    core.setOutput('report', files.json);
    core.setOutput('html-report', files.html);
    core.setOutput('markdown-report', files.markdown);
  }
  core.info(`Vigil: ${report.verdict} (score ${Math.round(report.score)}): ${report.reason}`);
  annotate(report, core);

  const decision = decide(report.verdict, inputs.onFailure, inputs.onInconclusive);
  const done: ActionOutcome = { outcome: decision.outcome, warnings: [] };
  if (report.status === 'cancelled' && decision.rollback) {
    // A cancelled job says nothing about the new version: rolling it back would undo a deploy for no reason.
    decision.rollback = false;
    done.warnings!.push('the job was cancelled before the verification ended, so no rollback was dispatched');
  }
  const octokit = inputs.githubToken ? getOctokit(inputs.githubToken) : undefined;
  const { owner, repo } = octokit ? context.repo : { owner: '', repo: '' };

  let rollbackFailure: string | undefined;
  let rollback: (RollbackResult & { key: string }) | undefined;
  if (decision.rollback && inputs.rollback && octokit) {
    const key = rollbackKey({
      repository: `${owner}/${repo}`,
      runId: context.runId,
      job: context.job,
      step: context.action,
      service: spec.service,
      ...(spec.environment ? { environment: spec.environment } : {}),
      ...(spec.version ? { version: spec.version } : {}),
      ...(inputs.deploymentId !== undefined ? { deploymentId: inputs.deploymentId } : {}),
      workflow: inputs.rollback.workflow,
    });
    try {
      const ref =
        inputs.rollback.ref ??
        (context.payload.repository?.default_branch as string | undefined) ??
        env.GITHUB_REF_NAME ??
        context.ref.replace(/^refs\/(heads|tags)\//, '');
      const result = await dispatchRollbackOnce(octokit as unknown as RollbackApi, {
        owner,
        repo,
        settings: inputs.rollback,
        ref,
        key,
        inputs: rollbackInputs(inputs.rollback.inputs, {
          version: spec.version ?? '',
          reason: report.reason,
          'run-url': runUrl,
          key,
          service: spec.service,
          environment: spec.environment ?? '',
          verdict: report.verdict,
          score: String(Math.round(report.score)),
        }),
        ...(inputs.deploymentId !== undefined ? { deploymentId: inputs.deploymentId } : {}),
        serverUrl: context.serverUrl,
      });
      rollback = { ...result, key };
      done.rollback = result;
      done.warnings!.push(...result.warnings);
      core.setOutput('rollback-run-id', result.runId !== undefined ? String(result.runId) : '');
      core.setOutput('rollback-run-url', result.url ?? '');
      core.info(
        result.reused
          ? `Vigil: the rollback was already dispatched by an earlier attempt (${result.url ?? 'run unknown'}); not dispatching again`
          : `Vigil: dispatched the rollback workflow ${inputs.rollback.workflow}: ${result.url ?? '(no run details)'}`,
      );
    } catch (e) {
      rollbackFailure = redact((e as Error).message, secrets);
      done.rollback = { error: rollbackFailure };
    }
  }

  if (inputs.deploymentId !== undefined && octokit) {
    const state = deploymentState(report.verdict, inputs.onInconclusive === 'pass');
    try {
      await setDeploymentStatus(octokit as unknown as DeploymentApi, {
        owner,
        repo,
        deploymentId: inputs.deploymentId,
        state,
        description: deploymentDescription(
          report,
          rollback
            ? { key: rollback.key, ...(rollback.runId !== undefined ? { runId: rollback.runId } : {}) }
            : undefined,
        ),
        runUrl,
      });
      done.deployment = { id: inputs.deploymentId, state };
    } catch (e) {
      const message = redact((e as Error).message, secrets);
      done.deployment = { id: inputs.deploymentId, error: message };
      core.warning(message, { title: 'Vigil: deployment status' });
    }
  }

  if (inputs.backstage) {
    const entityRef = inputs.backstage.entityRef ?? defaultEntityRef(spec.service);
    try {
      const id = await postVerification(
        inputs.backstage.url,
        inputs.backstage.token,
        verificationInput(report, {
          entityRef,
          ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
          ...(env.GITHUB_SHA ? { commitSha: env.GITHUB_SHA } : {}),
          runUrl,
          ...(rollback?.url ? { rollbackRunUrl: rollback.url } : {}),
        }),
      );
      done.backstage = { entityRef, ...(id ? { id } : {}) };
    } catch (e) {
      const message = redact((e as Error).message, secrets);
      done.backstage = { entityRef, error: message };
      core.warning(message, { title: 'Vigil: Backstage' });
    }
  }

  for (const w of done.warnings ?? []) core.warning(w, { title: 'Vigil' });
  if (rollbackFailure) done.outcome = 'fail';
  await writeSummary(core, summaryMarkdown(report, done));
  finish(report, decision.outcome, rollbackFailure);
}

function finish(
  report: Report,
  outcome: 'pass' | 'warn' | 'fail',
  rollbackFailure: string | undefined,
): void {
  if (rollbackFailure) {
    core.setFailed(
      `Vigil: ${report.verdict}: ${report.reason}\nThe rollback was not dispatched: ${rollbackFailure}`,
    );
  } else if (outcome === 'fail') {
    core.setFailed(`Vigil: ${report.verdict}: ${report.reason}`);
  } else if (outcome === 'warn') {
    core.warning(`Vigil: ${report.verdict}: ${report.reason}`, {
      title: `Vigil: verification ${report.verdict}`,
    });
  }
}

/**
 * Checks every provider's connectivity and credentials before waiting the verification window, so a typo
 * in a URL or a revoked key fails in seconds with the fix, not after ten minutes as "no data".
 */
async function preflight(spec: Spec, specDir: string, secrets: string[]): Promise<void> {
  const problems: string[] = [];
  const sources = openSources(spec, { specDir });
  try {
    await Promise.all(
      [...sources.providers].map(async ([name, provider]) => {
        if (provider.type === 'replay') return;
        for (const c of await provider.check()) {
          if (!c.ok) {
            problems.push(
              `provider "${name}" (${provider.type}): ${c.name}: ${c.detail}${c.hint ? `. To fix: ${c.hint}` : ''}`,
            );
          }
        }
      }),
    );
  } finally {
    await sources.close();
  }
  if (problems.length > 0) {
    throw new Error(
      redact(
        `the providers cannot be used (checked before verifying; set preflight: false to skip):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
        secrets,
      ),
    );
  }
}

function progressLine(p: Progress): string {
  const at = new Date(p.now).toISOString().slice(11, 19);
  const left = p.remaining > 0 ? ` · ${formatDuration(p.remaining)} left` : '';
  return `[${at}] ${p.phase === 'polling' ? '' : `${p.phase}: `}${p.message}${p.phase === 'polling' ? left : ''}`;
}
