import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, release } from 'node:os';

const require = createRequire(import.meta.url);

/** A command's first output line, or "not found" when it cannot run. */
function firstLine(command, args) {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0].trim();
  } catch {
    return 'not found';
  }
}

/** The 1, 5 and 15 minute load averages (/proc/loadavg), as "1.02 0.80 0.71". */
export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/**
 * What touching fresh memory costs on this machine, µs per 4 KiB page: a 64 MiB Buffer (malloc'd with mmap, above
 * glibc's largest mmap threshold) filled once (every page faulted in and written), less the same fill again (the
 * write alone), over 16,384 pages; the median of 3. Virtual machines that back guest memory lazily make this
 * 10–100 times what it is on bare metal, and every heap object V8 puts in its large-object space (over 128 KiB)
 * pays it.
 */
export function pageFaultUs() {
  const pages = (64 << 20) / 4096;
  const costs = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const buf = Buffer.allocUnsafeSlow(64 << 20);
    buf.fill(1);
    const t1 = process.hrtime.bigint();
    buf.fill(2);
    const t2 = process.hrtime.bigint();
    costs.push(Number(t1 - t0 - (t2 - t1)) / 1000 / pages);
  }
  return costs.sort((a, b) => a - b)[1];
}

/**
 * What a result depends on besides the code: CPUs, CPU model, kernel, date, commit, load average, the cost of a
 * page fault, and the versions of Node, grpc-js, proto-loader, protobufjs, ffmpeg, nats-server and docker.
 * @returns {Record<string, string>}
 */
export function describeMachine() {
  const root = new URL('../../', import.meta.url).pathname;
  const version = (pkg) => require(`${pkg}/package.json`).version;
  return {
    cpus: String(availableParallelism()),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
    kernel: release(),
    date: new Date().toISOString(),
    commit: firstLine('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
    loadAverage: loadAverage(),
    pageFaultUs: pageFaultUs().toFixed(1),
    node: process.version,
    grpcJs: version('@grpc/grpc-js'),
    protoLoader: version('@grpc/proto-loader'),
    protobufjs: version('protobufjs'),
    ffmpeg: firstLine('ffmpeg', ['-version']).replace('ffmpeg version ', '').split(' ')[0],
    natsServer: firstLine('nats-server', ['--version']),
    docker: firstLine('docker', ['version', '--format', '{{.Server.Version}}']),
  };
}
