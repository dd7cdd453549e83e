import { join } from 'node:path';
import { type Report, renderHtml, renderMarkdown } from '@vigil/core';
import { writeFileAtomic } from './files.ts';

/** Paths of the written report files. */
export interface ReportFiles {
  json: string;
  markdown: string;
  html: string;
}

/** Writes `report.json`, `report.md` and `report.html` into `dir`, each atomically. */
export async function writeReports(dir: string, report: Report): Promise<ReportFiles> {
  const files = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  await writeFileAtomic(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(
    files.markdown,
    renderMarkdown({ ...report, links: { ...report.links, html: files.html } }),
  );
  await writeFileAtomic(files.html, renderHtml(report));
  return files;
}
