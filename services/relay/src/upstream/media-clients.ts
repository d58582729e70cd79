import type { media } from '@onair/proto';
import type { GrpcTls } from '@onair/grpc-kit';
import { mediaClient } from './media-client.js';

interface Pooled {
  readonly client: media.MediaServiceClient;
  users: number;
}

/**
 * MediaService clients of several upstreams (the ingest replicas named by the live registry), one channel per
 * address shared by every room followed there and closed when the last one lets go. With mTLS every replica's
 * certificate is checked against `serverName` (the service's name, e.g. "ingest") rather than the address dialled.
 */
export class MediaClients {
  private readonly pool = new Map<string, Pooled>();

  constructor(
    private readonly tls: GrpcTls | undefined,
    private readonly serverName: string,
  ) {}

  /** Addresses with a channel open now. */
  get addresses(): string[] {
    return [...this.pool.keys()];
  }

  /** The client of `address` ("host:port"), opened on first use; each call needs one {@link release}. */
  acquire(address: string): media.MediaServiceClient {
    let pooled = this.pool.get(address);
    if (!pooled) {
      pooled = { client: mediaClient(address, this.tls, this.serverName), users: 0 };
      this.pool.set(address, pooled);
    }
    pooled.users++;
    return pooled.client;
  }

  /** Lets go of a client {@link acquire}d for `address`; the last release closes its channel. */
  release(address: string): void {
    const pooled = this.pool.get(address);
    if (!pooled) return;
    pooled.users--;
    if (pooled.users > 0) return;
    this.pool.delete(address);
    pooled.client.close();
  }

  /** Closes every channel. */
  close(): void {
    for (const { client } of this.pool.values()) client.close();
    this.pool.clear();
  }
}
