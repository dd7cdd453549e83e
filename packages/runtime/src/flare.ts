import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Spec, secretsOfSpec } from '@vigil/core';
import { redactConfig } from '@vigil/providers';
import { writeFileAtomic } from './files.ts';
import { type ArchiveEntry, tarGz } from './tar.ts';

export interface FlareOptions {
  spec: Spec;
  /** `vigil doctor` output to include. */
  doctor: string;
  /** Folder of the last reports (report.json, report.md, report.html), when there is one. */
  reportDir?: string;
  /** The .tar.gz to write. */
  output: string;
  versions: Record<string, string>;
}

/**
 * A diagnostic bundle for a bug report: the spec with every secret replaced, versions, doctor output and the
 * last reports. Every file is passed through the redaction of every secret the spec holds, so a secret that
 * leaked into an error message or a report is removed too.
 */
export async function createFlare(options: FlareOptions): Promise<{ path: string; files: string[] }> {
  // Every value that came from the environment or a secret field, wherever it sits (a URL's query, a plain
  // header), is scrubbed from every file of the bundle, the spec included.
  const secrets = secretsOfSpec(options.spec);
  const clean = (text: string) => secrets.scrub(text);
  const spec = {
    ...options.spec,
    providers: Object.fromEntries(
      Object.entries(options.spec.providers).map(([k, c]) => [k, redactConfig(c)]),
    ),
  };
  const entries: ArchiveEntry[] = [
    { name: 'vigil-flare/spec.redacted.json', content: clean(`${JSON.stringify(spec, null, 2)}\n`) },
    { name: 'vigil-flare/versions.json', content: clean(`${JSON.stringify(options.versions, null, 2)}\n`) },
    { name: 'vigil-flare/doctor.txt', content: clean(options.doctor) },
  ];
  if (options.reportDir) {
    for (const file of ['report.json', 'report.md', 'report.html']) {
      try {
        entries.push({
          name: `vigil-flare/reports/${file}`,
          content: clean(await readFile(join(options.reportDir, file), 'utf8')),
        });
      } catch {
        // a report that was never written is simply not in the bundle
      }
    }
  }
  await writeFileAtomic(options.output, tarGz(entries));
  return { path: options.output, files: entries.map((e) => e.name) };
}
