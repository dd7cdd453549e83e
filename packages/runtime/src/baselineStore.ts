import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredBaseline } from '@vigil/core';
import { writeFileAtomic } from './files.ts';

/**
 * Where passing verifications are kept for the `previous` strategy (load test / previous version).
 * The interface lets the Backstage backend keep them in its database; the CLI and Action use the file store.
 */
export interface BaselineStore {
  /** The most recent passing verification of a service, or a pinned one by id. */
  load(service: string, pinned?: string): Promise<StoredBaseline | undefined>;
  save(service: string, baseline: StoredBaseline): Promise<void>;
}

/** One JSON file per stored verification under `dir/<service>/`, named so that the newest sorts last. */
export class FileBaselineStore implements BaselineStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  async load(service: string, pinned?: string): Promise<StoredBaseline | undefined> {
    const folder = join(this.dir, safe(service));
    let names: string[];
    try {
      names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return undefined;
    }
    const name = pinned ? names.find((n) => n.endsWith(`-${safe(pinned)}.json`)) : names.at(-1);
    if (!name) {
      if (pinned) throw new Error(`no stored verification "${pinned}" for ${service} in ${folder}`);
      return undefined;
    }
    return JSON.parse(await readFile(join(folder, name), 'utf8')) as StoredBaseline;
  }

  async save(service: string, baseline: StoredBaseline): Promise<void> {
    const name = `${String(baseline.analysisStart).padStart(15, '0')}-${safe(baseline.id)}.json`;
    await writeFileAtomic(join(this.dir, safe(service), name), JSON.stringify(baseline));
  }
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
