export { type BaselineStore, FileBaselineStore } from './baselineStore.ts';
export { wallClock } from './clock.ts';
export { writeFileAtomic } from './files.ts';
export { type ReportFiles, writeReports } from './reports.ts';
export { type OpenSources, openSources } from './sources.ts';
export { loadSpecFile, type VerifyOptions, type VerifyOutcome, verify } from './verify.ts';
