import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Target } from './targets.js';

/** Resolves a host name to its IP addresses (IPv4 dotted, IPv6 bare). */
export type Lookup = (host: string) => Promise<readonly string[]>;

/** Every address the system resolver gives for `host` (A and AAAA, /etc/hosts included), as getaddrinfo(3). */
export const systemLookup: Lookup = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** Splits "host:port" or "[v6]:port" into the bare host and the port. */
function splitAddress(address: string): { host: string; port: string } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: address.slice(colon + 1) };
}

/** "host:port", IPv6 in brackets (RFC 3986 §3.2.2). */
const joinAddress = (ip: string, port: string): string => (isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * The replicas behind the configured targets: an entry whose host is a DNS name stands for every address the name
 * resolves to (in Docker Compose and behind a Kubernetes headless Service, one per replica), each polled as a target
 * of its own under the entry's name, in address order; an entry with an IP address is that one target. A name that
 * does not resolve (no replica running, DNS down) stays as the entry itself, so it shows as down rather than
 * vanishing. An address reached by two entries is polled once, under the first.
 */
export async function discoverTargets(
  configured: readonly Target[],
  resolve: Lookup = systemLookup,
): Promise<Target[]> {
  const resolved = await Promise.all(
    configured.map(async (target): Promise<Target[]> => {
      const { host, port } = splitAddress(target.address);
      if (isIP(host) !== 0) return [target];
      const ips = await resolve(host).catch(() => []);
      if (ips.length === 0) return [target];
      return [...new Set(ips)]
        .sort()
        .map((ip) => ({ name: target.name, address: joinAddress(ip, port), serverName: host }));
    }),
  );
  const seen = new Set<string>();
  return resolved.flat().filter((t) => !seen.has(t.address) && seen.add(t.address));
}
