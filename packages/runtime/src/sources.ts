import { isAbsolute, resolve } from 'node:path';
import {
  keepEnvSecrets,
  type LogEvent,
  type ProviderSpec,
  type Spec,
  type VerificationSource,
} from '@vigil/core';
import {
  createProvider,
  type Provider,
  type ProviderDeps,
  type ProviderUsage,
  type RecordingProvider,
  type ReplayFile,
  readEvidence,
  recordProvider,
} from '@vigil/providers';

/** The providers of a spec, opened, and the engine's view of them. */
export interface OpenSources {
  source: VerificationSource;
  providers: Map<string, Provider>;
  usage(): ProviderUsage[];
  /** Everything the providers returned, in the replay format (only when opened with `record`). */
  recording(): ReplayFile | undefined;
  close(): Promise<void>;
}

export interface OpenSourcesOptions {
  specDir: string;
  deps?: ProviderDeps;
  /** Keep every answer so that the run can be replayed offline (`vigil record`). */
  record?: boolean;
}

/** Opens every provider of a spec (paths resolved against the spec's folder) behind one VerificationSource. */
export function openSources(spec: Spec, options: OpenSourcesOptions): OpenSources {
  const providers = new Map<string, Provider>();
  const recorders: RecordingProvider[] = [];
  for (const [name, config] of Object.entries(spec.providers)) {
    const provider = createProvider({ ...withPaths(config, options.specDir), name }, options.deps);
    if (options.record) {
      const recorder = recordProvider(provider, {
        description: `recorded by vigil from ${name} (${config.type})`,
      });
      recorders.push(recorder);
      providers.set(name, recorder);
    } else {
      providers.set(name, provider);
    }
  }
  const get = (name: string) => {
    const p = providers.get(name);
    if (!p) throw new Error(`no provider "${name}" in the spec`);
    return p;
  };
  const source: VerificationSource = {
    fetchMetric: (req, signal) =>
      get(req.provider).fetchMetric(
        {
          metric: req.metric,
          query: req.query,
          vars: req.vars,
          instanceLabel: req.instanceLabel,
          group: req.group,
        },
        req.window,
        signal ? { signal } : {},
      ),
    async metricUnit(req, signal) {
      const p = get(req.provider);
      if (!p.metricUnit) return undefined;
      try {
        return await p.metricUnit(
          {
            metric: req.metric,
            query: req.query,
            vars: req.vars,
            instanceLabel: req.instanceLabel,
            group: req.group,
          },
          signal ? { signal } : {},
        );
      } catch {
        return undefined;
      }
    },
    async fetchLogs(req, signal) {
      const p = get(req.provider);
      if (!p.fetchLogs) {
        throw new Error(
          `provider "${req.provider}" (${p.type}) cannot read logs; point logs.provider at one that can`,
        );
      }
      const events: LogEvent[] = [];
      for await (const e of p.fetchLogs(
        {
          query: req.query,
          vars: req.vars,
          instanceField: req.instanceLabel,
          group: req.group,
          limit: req.limit,
        },
        req.window,
        signal ? { signal } : {},
      )) {
        events.push(e);
      }
      return events;
    },
    fetchEvidence: (req, signal) =>
      readEvidence(get(req.provider), req.provider, req.window, {
        service: req.service,
        ...(req.environment ? { environment: req.environment } : {}),
        ...(signal ? { signal } : {}),
      }),
  };
  return {
    source,
    providers,
    usage: () => [...providers.values()].map((p) => p.usage()),
    recording: () => {
      if (!options.record) return undefined;
      const files = recorders.map((r) => r.recording());
      return {
        version: 1,
        description: `recorded by vigil for ${spec.service} at ${new Date().toISOString()}`,
        metrics: files.flatMap((f) => f.metrics),
        logs: files.flatMap((f) => f.logs ?? []),
        problems: files.flatMap((f) => f.problems ?? []),
      };
    },
    close: async () => {
      await Promise.all([...providers.values()].map((p) => p.close()));
    },
  };
}

/** The spec with every provider answered from a recording made by `vigil record` (same names, same queries). */
export function replaySpec(spec: Spec, recordingPath: string): Spec {
  return keepEnvSecrets(spec, {
    ...spec,
    providers: Object.fromEntries(
      Object.keys(spec.providers).map((name) => [
        name,
        { type: 'replay' as const, file: recordingPath, source: name },
      ]),
    ),
  });
}

/** File paths in provider configs are relative to the spec, as a person reading the spec expects. */
function withPaths(config: ProviderSpec, dir: string): ProviderSpec {
  const abs = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(dir, p));
  if (config.type === 'replay') return { ...config, file: abs(config.file)! };
  if ((config.type === 'prometheus' || config.type === 'http') && config.tls) {
    const tls = { ...config.tls };
    for (const k of ['caFile', 'certFile', 'keyFile'] as const)
      if (tls[k] !== undefined) tls[k] = abs(tls[k]);
    return { ...config, tls };
  }
  return config;
}
