export { freePort, retryWhilePortTaken } from './ports.js';
export { waitFor, type WaitOptions } from './wait.js';
export { startProcess, type TestProcess } from './process.js';
export { startNats, type TestNats } from './nats-server.js';
export { startMonitoring, startService, REPO_ROOT, type TestService } from './services.js';
export { publishTestStream, ffprobe, type PublishOptions, type ProbeResult } from './ffmpeg.js';
export {
  FrameClient,
  UpgradeRefusedError,
  roomUrl,
  type ServerFrame,
  type Arrival,
  type CloseInfo,
  type HelloFields,
} from './frame-client.js';
export { startNatsFixture, type NatsFixture } from './nats-client.js';
export { makeSelfSignedCert, type TlsFiles } from './tls.js';
export { startNatsCluster, type TestNatsCluster } from './nats-cluster.js';
