export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './server.js';
export { unary } from './handlers.js';
export { toServiceError, fromServiceError } from './errors.js';
export { createClient, createHealthClient, checkHealth, call, deadlineIn, type HealthStatus } from './client.js';
export {
  bearerCheck,
  bearerToken,
  isLoopbackPeer,
  isTrustedPeer,
  callerCertificateName,
  type BearerCall,
  type BearerCheck,
} from './bearer-auth.js';
export { internalChannelOptions, internalServiceConfig, IDEMPOTENT_METHODS, RETRY_POLICY } from './service-config.js';
export {
  readGrpcTls,
  serverCredentialsOf,
  channelCredentialsOf,
  certificateName,
  peerCheckInterceptor,
  type GrpcTls,
  type GrpcTlsFiles,
} from './tls.js';
export { grpcTlsSpec, grpcTlsOf, DEFAULT_TLS_PEERS, type GrpcTlsConfig } from './tls-config.js';
