import { join } from 'node:path';
import { type Report, renderHtml, renderMarkdown, Secrets } from '@vigil/core';
import { writeFileAtomic } from './files.ts';

/** Paths of the written report files. */
export interface ReportFiles {
  json: string;
  markdown: string;
  html: string;
}

/**
 * Writes `report.json`, `report.md` and `report.html` into `dir`, each atomically, each rendered text scrubbed
 * of `secrets` (also in the forms rendering gives them, such as HTML escapes).
 */
export async function writeReports(
  dir: string,
  report: Report,
  secrets: Secrets = new Secrets(),
): Promise<ReportFiles> {
  const files = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  await writeFileAtomic(files.json, secrets.scrub(`${JSON.stringify(report, null, 2)}\n`));
  await writeFileAtomic(
    files.markdown,
    secrets.scrub(renderMarkdown({ ...report, links: { ...report.links, html: files.html } })),
  );
  await writeFileAtomic(files.html, secrets.scrub(renderHtml(report)));
  return files;
}
