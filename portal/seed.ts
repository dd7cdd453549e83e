/**
 * Fills the portal's Service Guard with history: analyses the last `periods` periods of each opted-in
 * entity one after the other (moving Service Guard's clock), then posts the deployment verifications that
 * Vigil computes on the demo recordings (examples/checkout*), as the GitHub Action would.
 */
import { resolve } from 'node:path';
import type { DeploymentVerificationInput } from '@vigil/backstage-plugin-service-guard-common';
import type { Report } from '@vigil/core';
import { loadSpecFile, verify } from '@vigil/runtime';
import { verificationInput } from '../packages/action/src/backstage.ts';

export interface SeedOptions {
  backendUrl: string;
  token: string;
  entityRefs: string[];
  /** End of the newest period to analyse (epoch ms, a period boundary). */
  end: number;
  periodMs: number;
  periods: number;
  /** Sets Service Guard's clock. */
  setClock: (ms: number) => void;
  repoRoot: string;
}

async function post(options: SeedOptions, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${options.backendUrl}/api/service-guard${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`portal seed: POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The Action's verification body for a report (the same fields as packages/action's verificationInput). */
/** The body the GitHub Action would post for the report: the Action's own builder, within the backend's limits. */
export function verificationFromReport(
  report: Report,
  entityRef: string,
  runUrl: string,
): DeploymentVerificationInput {
  return verificationInput(report, { entityRef, repository: 'example/checkout', runUrl });
}

/** Waits until the catalog has ingested the entity (it reads the catalog file shortly after start). */
async function waitForEntity(options: SeedOptions, entityRef: string, timeoutMs = 90_000): Promise<void> {
  const [kind, rest] = entityRef.split(':') as [string, string];
  const [namespace, name] = rest.split('/') as [string, string];
  const url = `${options.backendUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${options.token}` } });
    await res.arrayBuffer();
    if (res.ok) return;
    if (Date.now() > deadline)
      throw new Error(`portal seed: the catalog has no ${entityRef} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function seedPortal(options: SeedOptions): Promise<void> {
  for (const ref of options.entityRefs) await waitForEntity(options, ref);
  for (let k = options.periods - 1; k >= 0; k--) {
    options.setClock(options.end - k * options.periodMs + 30_000);
    for (const entityRef of options.entityRefs) await post(options, '/run', { entityRef });
  }
  // The healthy recording first, so the failing one is the newest verification.
  const demos = [
    { dir: 'examples/checkout-healthy', run: 1001 },
    { dir: 'examples/checkout', run: 1002 },
  ];
  for (const demo of demos) {
    const specDir = resolve(options.repoRoot, demo.dir);
    const spec = await loadSpecFile(resolve(specDir, 'vigil.yaml'), {});
    const { report } = await verify({ spec, specDir });
    await post(
      options,
      '/verifications',
      verificationFromReport(
        report,
        'component:default/checkout',
        `https://github.com/example/checkout/actions/runs/${demo.run}`,
      ),
    );
  }
}
