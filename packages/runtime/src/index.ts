export { type BaselineStore, FileBaselineStore } from './baselineStore.ts';
export { wallClock } from './clock.ts';
export {
  checkOutputFile,
  checkWritableDir,
  makeDirs,
  PathError,
  tempPathBeside,
  writeFileAtomic,
} from './files.ts';
export { type ReportFiles, writeReports } from './reports.ts';
export { type OpenSources, type OpenSourcesOptions, openSources, replaySpec } from './sources.ts';
export { loadSpecFile, type VerifyOptions, type VerifyOutcome, verify } from './verify.ts';
export { createFlare, type FlareOptions } from './flare.ts';
export { type DoctorLine, doctor, formatDoctor } from './doctor.ts';
export { type ArchiveEntry, tarGz } from './tar.ts';
export {
  catchUpClock,
  checkRetention,
  parseTimeArg,
  pastDeployStart,
  type RetrospectiveWindow,
  retrospectiveWindow,
  WindowError,
} from './retrospective.ts';
export { parseLogStream } from './logsParse.ts';
export { type NotifyOptions, type NotifyResult, sendNotifications } from './notify.ts';
export { previousOutcomeOf, recordOutcome } from './notifyState.ts';
