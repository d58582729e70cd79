export { createLogger, INSTANCE_ID, REDACTED_PATHS, type Logger, type LoggerSettings } from './logger.js';
export {
  loadConfig,
  describeConfig,
  field,
  portField,
  boolField,
  logLevelField,
  secret,
  withCheck,
  LOG_LEVELS,
  ConfigError,
  type ConfigField,
  type ConfigSpec,
  type ConfigOf,
  type LoadedConfig,
} from './config.js';
export {
  ERROR_CODES,
  CLOSE_CODES,
  OnairError,
  toOnairError,
  errorBody,
  codeOfGrpcStatus,
  type ErrorCode,
  type CloseCode,
  type ErrorBody,
} from './errors.js';
export {
  runService,
  serviceApp,
  stopInOrder,
  envPrefix,
  type ServiceApp,
  type ServiceDefinition,
  type AppParts,
  type BoundPorts,
  type RunServiceOptions,
} from './service.js';
export { createMetricsRegistry, registerMetricsRoute } from './metrics.js';
export { createHttpApp, replyError, listenHttp, closeHttp, type HttpAppOptions } from './http.js';
