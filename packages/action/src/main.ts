/**
 * The Action's entry point: mask credentials, read inputs, build or load the spec, check the providers,
 * verify, then act on the verdict (summary, annotations, outputs, rollback, deployment status, Backstage).
 * The logic lives in the modules it calls; this file only wires them to the runner.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { escapeMarkdown, progressLine, type Report, Secrets, type Spec, secretsOfSpec } from '@vigil/core';
import { redact } from '@vigil/providers';
import { doctor, pastDeployStart, verify } from '@vigil/runtime';
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
  defaultRollbackInputs,
  dispatchRollbackOnce,
  type RollbackApi,
  type RollbackResult,
  rollbackInputs,
  rollbackKey,
  rollbackRefOf,
} from './rollback.ts';
import { resolveSpec } from './spec.ts';
import { type ActionOutcome, annotate, summaryMarkdown, writeSummary } from './summary.ts';
import { checkRollbackWorkflow, type WorkflowCheckApi } from './workflowCheck.ts';

/** Runs the Action; never throws (failures go to `core.setFailed`). */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const getInput = (name: string) => core.getInput(name);
  // Masked first: nothing below may print a credential, not even inside an error about a bad input.
  // One registry of secret values (core's secrets.ts): the secret inputs, then every value the spec took from
  // the environment or holds in a secret field, with their parts (the token after "Bearer ").
  const secrets = new Secrets().addAll(secretInputValues(getInput));
  for (const s of secrets.values()) core.setSecret(s);
  // Cancellation (the runner sends SIGINT, then SIGTERM) is caught from the start: whatever phase it hits
  // ends as outcome `cancelled` with a failed step, never as a pass. Without a listener Node would die
  // on the signal before writing anything.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) controller.abort(new Error(`the job was cancelled (${signal})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const inputs = readInputs(getInput);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const { spec, specDir } = await resolveSpec(inputs.spec, inputs.inline, {
      workspace,
      env: specEnv(inputs.inline, env),
    });
    const known = new Set(secrets.values());
    secrets.addAll(secretsOfSpec(spec));
    for (const s of secrets.values()) if (!known.has(s)) core.setSecret(s);
    await verifyAndAct(inputs, spec, specDir, env, secrets, controller.signal);
  } catch (e) {
    if (controller.signal.aborted) {
      // Cancelled before the verification started (during the preflight or the workflow check).
      core.setOutput('outcome', 'cancelled');
      core.setOutput('verdict', 'inconclusive');
      core.setFailed(
        `Vigil: cancelled before the verification started (${(controller.signal.reason as Error).message}); a cancelled verification never passes`,
      );
    } else {
      core.setFailed(redact((e as Error).message ?? String(e), secrets));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function verifyAndAct(
  inputs: ActionInputs,
  spec: Spec,
  specDir: string,
  env: NodeJS.ProcessEnv,
  secrets: Secrets,
  signal: AbortSignal,
): Promise<void> {
  // The preflight's first provider request goes out before the GitHub client (Octokit and its plugins) is
  // evaluated: evaluating it then overlaps with the provider's answer.
  const preflightRun = inputs.preflight
    ? preflight(spec, specDir, secrets, signal)
    : Promise.resolve(undefined);
  preflightRun.catch(() => undefined); // awaited below; this only keeps an early rejection from being unhandled
  const { context, githubClient } = await import('./github.ts');
  const octokit = inputs.githubToken ? githubClient(inputs.githubToken, (m) => core.info(m)) : undefined;
  const { owner, repo } = octokit ? context.repo : { owner: '', repo: '' };
  // Decided before the window: without it a rollback could not be dispatched when it is needed.
  const rollbackRef = inputs.rollback
    ? rollbackRefOf({
        configured: inputs.rollback.ref,
        defaultBranch: context.payload?.repository?.default_branch as string | undefined,
        refName: env.GITHUB_REF_NAME,
        ref: env.GITHUB_REF,
      })
    : '';

  // Before waiting the window: the queries, and the rollback workflow, checked side by side.
  const [checked] = await Promise.all([
    preflightRun,
    inputs.rollback && octokit
      ? startCheckOfRollback(
          octokit as unknown as WorkflowCheckApi,
          inputs,
          owner,
          repo,
          rollbackRef,
          secrets,
        )
      : Promise.resolve(),
  ]);
  if (checked && checked.length > 0) {
    const cause = `the preflight found ${checked.length} problem${checked.length > 1 ? 's' : ''} before verifying (set preflight: false to skip it)`;
    core.setOutput('outcome', 'could-not-verify');
    core.setOutput('verdict', 'inconclusive');
    core.setOutput('reason', `Could not verify: ${cause}: ${checked[0]}`);
    await writeSummary(
      core,
      [
        `## ⛔ Vigil: ${escapeMarkdown([spec.service, spec.version].filter(Boolean).join(' '))} could not be verified`,
        '',
        `**Why:** ${escapeMarkdown(cause)}:`,
        '',
        ...checked.map((p) => `- ${escapeMarkdown(p)}`),
        '',
        '### What the Action did',
        '',
        '- ❌ Failed the step before waiting the verification window.',
        '',
      ].join('\n'),
    );
    throw new Error(`Vigil: could not verify: ${cause}:\n${checked.map((p) => `  - ${p}`).join('\n')}`);
  }

  const runUrl = `${context.serverUrl}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${context.runId}`;
  const reportDir = resolve(
    env.GITHUB_WORKSPACE ?? process.cwd(),
    inputs.reportDir ?? join(env.RUNNER_TEMP ?? tmpdir(), `vigil-${context.runId}-${context.runAttempt}`),
  );
  // deployed-at whose whole window has passed: verify that window now, at once, as a live run would have.
  const pastStart = pastDeployStart(spec, Date.now());
  core.info(
    `Vigil: verifying ${spec.service}${spec.version ? ` ${spec.version}` : ''} for ${spec.duration} (every ${spec.interval}, sensitivity ${spec.sensitivity})${pastStart !== undefined ? `, retrospective from the deploy at ${new Date(pastStart).toISOString()}` : ''}`,
  );
  const { report, files, notifications } = await verify({
    spec,
    specDir,
    ...(pastStart !== undefined ? { startedAt: pastStart } : {}),
    reportDir,
    signal,
    onProgress: (p) => core.info(progressLine(p)),
    links: { run: runUrl },
    // The spec's notify targets hear of the outcome with a link to this run (its summary explains it).
    notify: {
      ...(inputs.previousOutcome ? { previousOutcome: inputs.previousOutcome } : {}),
      links: { run: runUrl },
      secrets,
    },
    ...(env.GITHUB_RUN_ID ? { id: `${env.GITHUB_RUN_ID}-${context.runAttempt}-${context.job}` } : {}),
  });

  core.setOutput('verdict', report.verdict);
  core.setOutput('outcome', report.outcome ?? '');
  core.setOutput('score', String(Math.round(report.score * 10) / 10));
  core.setOutput('reason', report.reason);
  if (files) {
    core.setOutput('report', files.json);
    core.setOutput('html-report', files.html);
    core.setOutput('markdown-report', files.markdown);
  }
  core.info(
    `Vigil: ${report.outcome ?? report.verdict} (verdict ${report.verdict}, score ${Math.round(report.score)}): ${report.reason}`,
  );
  annotate(report, core);

  const decision = decide(report, inputs.onFailure, inputs.onInconclusive);
  // A notification that was not delivered is a warning: it never changes the step's result.
  const done: ActionOutcome = { outcome: decision.outcome, warnings: [...(notifications?.warnings ?? [])] };
  if (notifications && notifications.sent.length > 0)
    core.info(`Vigil: notified ${notifications.sent.join(', ')}`);
  if (report.status === 'cancelled') {
    // A cancelled job says nothing about the new version: rolling it back would undo a deploy for no reason.
    decision.rollback = false;
    if (inputs.rollback)
      done.warnings!.push(
        'the job was cancelled before the verification ended, so no rollback was dispatched',
      );
  }

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
      inputs: inputs.rollback.inputs,
      ...(inputs.matrixKey !== undefined ? { matrixKey: inputs.matrixKey } : {}),
    });
    try {
      const ref = rollbackRef;
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
  await writeSummary(core, secrets.scrub(summaryMarkdown(report, done)));
  finish(report, decision.outcome, rollbackFailure);
}

function finish(
  report: Report,
  outcome: 'pass' | 'warn' | 'fail',
  rollbackFailure: string | undefined,
): void {
  const what = report.outcome ?? report.verdict;
  const headline = `Vigil: ${what}: ${report.reason}${report.outcomeCause && report.outcomeCause !== report.reason ? `\n${report.outcomeCause}` : ''}`;
  if (rollbackFailure) {
    core.setFailed(`${headline}\nThe rollback was not dispatched: ${rollbackFailure}`);
  } else if (outcome === 'fail') {
    core.setFailed(headline);
  } else if (outcome === 'warn') {
    core.warning(headline, { title: `Vigil: verification ${what}` });
  }
}

/**
 * Runs `vigil doctor` once before waiting the verification window: every provider's connectivity and
 * credentials, and every metric query as the verification will send it, so a bad query, a typo in a URL or
 * a revoked key fails in seconds with the provider's error, not after the window as "no data". Each failing
 * check is annotated at once; a query that answers without data only warns (a canary that has just started
 * may not have any yet). Returns the problems that stop the run.
 */
async function preflight(
  spec: Spec,
  specDir: string,
  secrets: Secrets,
  signal: AbortSignal,
): Promise<string[]> {
  const problems: string[] = [];
  for (const line of await doctor(spec, { specDir, signal })) {
    if (line.ok) continue;
    const text = redact(
      `${line.subject}: ${line.name}: ${line.detail}${line.hint ? `. To fix: ${line.hint}` : ''}`,
      secrets,
    );
    if (line.subject.startsWith('query ') && !line.queryFailed) {
      core.warning(text, { title: 'Vigil preflight: no data yet' });
      continue;
    }
    core.error(text, { title: `Vigil preflight: ${line.subject}` });
    problems.push(text);
  }
  return problems;
}

/**
 * Checks the rollback workflow at the start. Where a failing verification rolls back (on-failure:
 * rollback), a workflow that cannot be dispatched defeats the gate, so the step fails now; where only an
 * inconclusive one does, each problem is a warning, shown at once.
 */
async function startCheckOfRollback(
  api: WorkflowCheckApi,
  inputs: ActionInputs,
  owner: string,
  repo: string,
  ref: string,
  secrets: Secrets,
): Promise<void> {
  const settings = inputs.rollback!;
  const sent = Object.entries({ ...defaultRollbackInputs, ...settings.inputs })
    .filter(([, v]) => v !== null)
    .map(([k]) => k);
  const check = await checkRollbackWorkflow(api, {
    owner,
    repo,
    workflow: settings.workflow,
    ref,
    inputs: sent,
    hasDeploymentMarker: inputs.deploymentId !== undefined,
  });
  for (const w of check.warnings) core.warning(redact(w, secrets), { title: 'Vigil: rollback workflow' });
  if (check.problems.length === 0) return;
  if (inputs.onFailure !== 'rollback') {
    for (const p of check.problems) core.warning(redact(p, secrets), { title: 'Vigil: rollback workflow' });
    return;
  }
  for (const p of check.problems) core.error(redact(p, secrets), { title: 'Vigil: rollback workflow' });
  throw new Error(
    `Vigil: the rollback workflow cannot be dispatched, so a failing verification could not roll back (checked before verifying):\n${check.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
