import { z } from 'zod';

/** One gRPC endpoint monitoring polls. */
export interface Target {
  /** Label given in the list, usually the service kind ("ingest", "relay", …); several targets may share it. */
  readonly name: string;
  /** "host:port" as dialled, e.g. "127.0.0.1:50051" or "[::1]:50051". */
  readonly address: string;
  /** For a replica found by DNS, the name it was found by: its TLS certificate must hold it. */
  readonly serverName?: string;
}

/** The default target list: every service's gRPC port on this host, monitoring included. */
export const DEFAULT_TARGETS =
  'ingest=127.0.0.1:50051,relay=127.0.0.1:50052,danmaku=127.0.0.1:50053,chat=127.0.0.1:50054,monitoring=127.0.0.1:50055';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A DNS name or IPv4 address (RFC 1123 §2.1 labels), or an IPv6 address in brackets (RFC 3986 §3.2.2). */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;
const PORT = /^[0-9]{1,5}$/;

/** Parses one `name=host:port` entry; returns the target or a problem naming the entry. */
function parseEntry(entry: string): Target | string {
  const eq = entry.indexOf('=');
  if (eq < 0) return `"${entry}": expected name=host:port`;
  const name = entry.slice(0, eq).trim();
  const address = entry.slice(eq + 1).trim();
  if (!NAME.test(name)) return `"${entry}": name must be letters, digits, "_", "." or "-"`;
  const colon = address.lastIndexOf(':');
  if (colon < 0) return `"${entry}": expected host:port after "="`;
  const host = address.slice(0, colon);
  const port = address.slice(colon + 1);
  if (!HOST.test(host)) return `"${entry}": "${host}" is not a host name, IPv4 or [IPv6] address`;
  if (!PORT.test(port) || Number(port) < 1 || Number(port) > 65535) return `"${entry}": port must be 1 to 65535`;
  return { name, address: `${host}:${Number(port)}` };
}

/**
 * Validates a comma-separated target list, `name=host:port[,name=host:port…]`. Blanks around entries
 * are ignored; an empty list, a malformed entry or an address listed twice is an issue naming the entry.
 * @example "chat=10.0.0.5:50054,chat=10.0.0.6:50054" → two chat targets, tracked separately
 */
export const targetsSchema = z.string().transform((raw, ctx): readonly Target[] => {
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const parsed = entry === '' ? `empty entry in "${raw}"` : parseEntry(entry);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
    } else if (seen.has(parsed.address)) {
      ctx.addIssue({ code: 'custom', message: `"${entry}": ${parsed.address} is listed twice` });
    } else {
      seen.add(parsed.address);
      targets.push(parsed);
    }
  }
  return Object.freeze(targets);
});

/**
 * Parses a target list with {@link targetsSchema}.
 * @throws Error listing every problem when the list is invalid.
 */
export function parseTargets(raw: string): readonly Target[] {
  const result = targetsSchema.safeParse(raw);
  if (!result.success) throw new Error(`invalid target list: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}
