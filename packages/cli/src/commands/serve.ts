import { dirname, resolve } from 'node:path';
import {
  formatDuration,
  loadSpec,
  parseServeConfig,
  type ServeConfig,
  ServeConfigError,
  sampleVariables,
  specRunMs,
  specVariableProblems,
} from '@vigil/core';
import { parseCommandArgs, required } from '../args.ts';
import { type Command, type CommandIO, UsageError } from '../command.ts';
import { readInput } from '../input.ts';
import { Registry } from '../serve/registry.ts';
import { createServeServer } from '../serve/server.ts';

/** Longest the shutdown waits for cancelled verifications to end before it stops anyway. */
const SHUTDOWN_GRACE_MS = 20_000;

/** Resolves after `ms`, without keeping the process alive. */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Shortest bearer token accepted: a guessable token would make the service anyone's. */
const MIN_TOKEN_LENGTH = 16;

export const serveCommand: Command = {
  path: ['serve'],
  summary: 'Run verifications for other deploy tools over HTTP (Argo Rollouts, Flagger)',
  help: `Usage: vigil serve -c CONFIG [--host HOST] [--port PORT]

Runs an HTTP service that starts verifications, reports their state and their verdicts, for deploy tools
such as Argo Rollouts (web metric provider) and Flagger (webhooks). One process, the same engine as
"vigil verify". A request names a spec of the config and fills the variables the config declares for it
(each checked against its pattern); queries, URLs and providers come only from the spec files.
Every /v1 route needs "Authorization: Bearer <token>" (Flagger: metadata.token). See docs/serve.md.

Routes:
  POST /v1/verifications            start a verification, or join the one with the same spec, variables
                                    and key: {"spec", "vars", "key", "start", "end", "wait"}
  GET  /v1/verifications/ID[?wait=S] its state: phase, done, outcome, passed, failed, inconclusive, score
  GET  /v1/verifications/ID/report  its full JSON report, once it has ended
  DELETE /v1/verifications/ID       cancel it if it runs (never passed) and forget it: the next request
                                    with its spec, variables and key starts a new one
  POST /v1/flagger/HOOK             Flagger webhooks: pre-rollout, rollout, confirm-promotion, rollback
  GET  /healthz                     200 while the server runs (no token needed)

Options:
  -c, --config CONFIG   the server config (YAML, required; docs/serve.md lists every field)
  --host HOST           address to bind (overrides listen.host)
  --port PORT           port (overrides listen.port; 0 picks a free one)
  -h, --help            this help

The token comes from the environment variable auth.tokenEnv (default VIGIL_SERVE_TOKEN) or the file
auth.tokenFile; at least ${MIN_TOKEN_LENGTH} characters. It is never printed.
SIGTERM (or Ctrl-C) stops taking requests, cancels running verifications (they end "cancelled", never
passed), answers waiting requests, and exits 0.

Exit codes: 0 stopped by a signal, 3 bad config, spec or token, 4 internal error.

Example:
  VIGIL_SERVE_TOKEN=$(cat token) vigil serve -c examples/serve/vigil-serve.yaml
`,
  async run(argv, io) {
    const { values } = parseCommandArgs('serve', argv, {
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string' },
    });
    const configPath = resolve(io.cwd, required('serve', 'config', values.config));
    const config = parseServeConfig(await readInput(configPath, '--config'), configPath);
    if (values.host !== undefined) config.listen.host = values.host as string;
    if (values.port !== undefined) {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`vigil serve: --port must be a port number 0-65535 (got "${values.port}")`);
      config.listen.port = port;
    }
    const token = await readToken(config, dirname(configPath), io);
    io.secrets?.add(token);
    const specs = await loadSpecs(config, dirname(configPath), io);
    const log = (line: string) => io.stderr.write(`[${new Date().toISOString()}] ${line}\n`);
    const registry = new Registry({
      config,
      specs,
      env: io.env,
      log,
      onSecrets: (values) => io.secrets?.addAll(values),
    });
    const server = createServeServer({ config, registry, token, log });
    await new Promise<void>((ok, fail) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        fail(
          e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL'
            ? new UsageError(
                `vigil serve: cannot listen on ${config.listen.host}:${config.listen.port}: ${e.code}`,
              )
            : e,
        ),
      );
      server.listen(config.listen.port, config.listen.host, ok);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.listen.port;
    const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
    log(`vigil serve: listening on http://${host}:${port} (specs: ${[...specs.keys()].join(', ')})`);

    await new Promise<void>((r) => {
      if (io.signal.aborted) r();
      else io.signal.addEventListener('abort', () => r(), { once: true });
    });
    const why = io.signal.reason instanceof Error ? io.signal.reason.message : String(io.signal.reason);
    log(`vigil serve: shutting down (${why}); cancelling running verifications`);
    // No new connections; the running verifications end cancelled, which answers the requests that wait.
    // Both waits are bounded, so that a provider call that ignores cancellation cannot outlast the grace
    // period Kubernetes gives (30 s by default) and turn a clean stop into a SIGKILL.
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    await Promise.race([
      registry.close(new Error(`vigil serve is shutting down (${why})`)),
      delay(SHUTDOWN_GRACE_MS),
    ]);
    server.closeIdleConnections();
    await Promise.race([closed, delay(5_000)]);
    server.closeAllConnections();
    log('vigil serve: stopped');
    return 0;
  },
};

/** The bearer token, from the environment or a file; too short, empty or missing is exit 3, never printed. */
async function readToken(config: ServeConfig, dir: string, io: CommandIO): Promise<string> {
  let token: string | undefined;
  let from: string;
  if (config.auth.tokenFile !== undefined) {
    const path = resolve(dir, config.auth.tokenFile);
    from = `auth.tokenFile ${path}`;
    token = (await readInput(path, 'auth.tokenFile')).trim();
  } else {
    const name = config.auth.tokenEnv ?? 'VIGIL_SERVE_TOKEN';
    from = `the environment variable ${name} (auth.tokenEnv)`;
    token = io.env[name]?.trim();
  }
  if (!token)
    throw new UsageError(
      `vigil serve: no token in ${from}; set a random token of ${MIN_TOKEN_LENGTH}+ characters`,
    );
  if (token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(
      `vigil serve: the token in ${from} is shorter than ${MIN_TOKEN_LENGTH} characters; use a random one (e.g. openssl rand -hex 32)`,
    );
  return token;
}

/**
 * Reads every spec of the config once and checks it with stand-in values for its variables, so that a broken
 * spec stops the server at start-up instead of failing a deploy later.
 */
async function loadSpecs(
  config: ServeConfig,
  dir: string,
  io: CommandIO,
): Promise<Map<string, { text: string; path: string }>> {
  const out = new Map<string, { text: string; path: string }>();
  for (const spec of config.specs.values()) {
    const path = resolve(dir, spec.file);
    const text = await readInput(path, `specs.${spec.name}.file`);
    const problems = specVariableProblems(spec, text);
    if (problems.length > 0) throw new ServeConfigError('the config', problems);
    const loaded = loadSpec(text, { source: path, env: io.env, vars: sampleVariables(spec) });
    if (specRunMs(loaded) > config.limits.timeoutMs)
      throw new UsageError(
        `vigil serve: spec "${spec.name}" runs ${formatDuration(specRunMs(loaded))} (initial delay + duration), longer than limits.timeout ${formatDuration(config.limits.timeoutMs)}; raise limits.timeout`,
      );
    out.set(spec.name, { text, path });
  }
  return out;
}
