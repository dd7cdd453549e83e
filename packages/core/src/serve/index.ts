export {
  DEFAULT_VARIABLE_PATTERN,
  MAX_VARIABLE_LENGTH,
  parseServeConfig,
  RESERVED_NAMES,
  sampleVariables,
  type ServeConfig,
  ServeConfigError,
  type ServeConfigInput,
  type ServedSpec,
  type ServeVariable,
  serveConfigSchema,
  specRunMs,
  specVariableProblems,
} from './config.ts';
export {
  identityOf,
  parseFlaggerRequest,
  parseStartRequest,
  RequestError,
  START_FIELDS,
  type StartRequest,
} from './request.ts';
export {
  endedState,
  FLAGGER_HOOKS,
  type FlaggerHook,
  flaggerStatus,
  type ServePhase,
  type VerificationState,
} from './answer.ts';
