import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';
import { identityAllowsRoom, isModerator, posterOf, type Identity, type RoutesCore } from '@onair/realtime';
import { OnairError, type Logger } from '@onair/runtime';
import type { Danmaku, DanmakuPost } from '../danmaku/danmaku-kind.js';
import { importBilibiliXml } from '../formats/bilibili-xml-import.js';
import type { PublishIndex } from '../replay/publish-index.js';
import { single } from '../replay/replay-route.js';
import type { ImportStore } from './import-store.js';
import { importedDanmaku } from './imported-danmaku.js';

/** The answer of an import: danmaku stored, and `<d>` elements skipped (malformed, or of a mode not drawn). */
export interface ImportAnswer {
  readonly imported: number;
  readonly skipped: number;
}

/** Options of {@link importRoute}. */
export interface ImportRouteOptions {
  /** Where each publish started: only a known publish takes an import. */
  index: PublishIndex;
  imports: ImportStore;
  /** Largest body, bytes (DANMAKU_IMPORT_MAX_BYTES). */
  maxBytes: number;
  /** Longest danmaku text, code points (DANMAKU_MAX_TEXT_LENGTH): a longer `<d>` is skipped. */
  maxTextLength: number;
  log: Logger;
}

type ImportRequest = {
  Params: { room: string };
  Querystring: Partial<Record<'publish', string | string[]>>;
  Body: unknown;
};

/** Where the import goes and who imports it, checked before the body is read. */
interface ImportTarget {
  readonly room: string;
  readonly publishId: string;
  readonly importer: Identity;
}

/**
 * The import's target, from the path, the query and the `Authorization: Bearer <token>` header (RFC 6750 §2.1).
 * @throws OnairError UNAUTHENTICATED without a good token (or when the service takes none), INVALID_ARGUMENT naming
 *   `room` or `publish`, PERMISSION_DENIED unless the token is good for the room and its roles hold moderator,
 *   broadcaster or admin, NOT_FOUND for a publish no danmaku instance saw live (or older than DANMAKU_RETENTION)
 */
async function targetOf(
  req: FastifyRequest<ImportRequest>,
  verifier: RoutesCore<DanmakuPost, Danmaku>['verifier'],
  index: PublishIndex,
): Promise<ImportTarget> {
  const token = /^Bearer +(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (!token) throw new OnairError('UNAUTHENTICATED', 'an Authorization: Bearer token is required');
  if (verifier === undefined) throw new OnairError('UNAUTHENTICATED', 'this service takes no viewer tokens');
  const importer = await verifier.verify(token);
  const { room } = req.params;
  if (!ROOM_ID_PATTERN.test(room))
    throw new OnairError('INVALID_ARGUMENT', 'room must be 1 to 64 characters of a-z, 0-9 and -', { field: 'room' });
  const publishId = single(req.query.publish, 'publish');
  if (publishId === undefined || !PUBLISH_ID_PATTERN.test(publishId))
    throw new OnairError('INVALID_ARGUMENT', 'publish must be a publish id (lower-case UUID)', { field: 'publish' });
  if (!identityAllowsRoom(importer, room) || !isModerator(posterOf(importer)))
    throw new OnairError('PERMISSION_DENIED', 'importing needs a moderator, broadcaster or admin token for the room');
  if ((await index.startedAtMs(room, publishId)) === undefined)
    throw new OnairError('NOT_FOUND', 'no danmaku are known for this publish');
  return { room, publishId, importer };
}

/**
 * `POST /api/rooms/<room>/danmaku.xml?publish=<publishId>`: imports a Bilibili danmaku XML document
 * (danmaku-formats.md §3.2, read by importBilibiliXml) into a publish of the room, the body (UTF-8, whatever its
 * `Content-Type`: `application/xml`, or what `curl --data-binary` sends) at most `maxBytes`. Each `<d>` becomes a
 * danmaku of the room and publish at its appear time (`streamTimeMs` = time s × 1000), mode, size and colour mapped
 * per §3.6, the author the document's (see ImportedDanmaku), stored in the {@link ImportStore}: replays and the
 * format routes give it back, viewers of the room do not get it live, even while the publish is live. A danmaku
 * imported again into the same publish (the same document sent twice, by anyone, at any time) is kept once (see
 * ImportStore.append). Answers `{"imported":N,"skipped":M}` with `access-control-allow-origin: *` and
 * `cache-control: no-store`. The token, role and publish are checked before the body is read. Errors through the
 * one HTTP error path: 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 400 INVALID_ARGUMENT naming `room`, `publish` or
 * `xml` (a malformed document: nothing is stored), 404 NOT_FOUND for an unknown publish, 413 PAYLOAD_TOO_LARGE past
 * `maxBytes` (or 100,000 `<d>`), 503 UNAVAILABLE when JetStream did not acknowledge every danmaku (those
 * acknowledged stay; sending the same document again stores the others without doubling them).
 */
export function importRoute({
  index,
  imports,
  maxBytes,
  maxTextLength,
  log,
}: ImportRouteOptions): (app: FastifyInstance, core: RoutesCore<DanmakuPost, Danmaku>) => void {
  const importLog = log.child({ component: 'import' });
  return (app, { verifier }) => {
    const targets = new WeakMap<FastifyRequest, ImportTarget>();
    void app.register(async (scope) => {
      // The body is the document whatever its Content-Type: `curl --data-binary @file` labels it
      // application/x-www-form-urlencoded, a browser's fetch of a string text/plain.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxBytes }, (_req, body, done) =>
        done(null, body),
      );
      scope.post<ImportRequest>(
        '/api/rooms/:room/danmaku.xml',
        {
          bodyLimit: maxBytes,
          onRequest: async (req) => {
            targets.set(req, await targetOf(req, verifier, index));
          },
        },
        async (req, reply): Promise<ImportAnswer> => {
          const target = targets.get(req);
          if (target === undefined) throw new OnairError('INTERNAL', 'the import target was not checked');
          const { room, publishId, importer } = target;
          if (typeof req.body !== 'string')
            throw new OnairError('INVALID_ARGUMENT', 'the body must be Bilibili XML', { field: 'xml' });
          const { items, skipped } = importBilibiliXml(req.body, { maxBytes, maxTextChars: maxTextLength });
          const danmaku = items.map((item) => importedDanmaku(item, room, publishId, importer.userId));
          let imported: number;
          try {
            imported = await imports.append(danmaku);
          } catch (err) {
            importLog.warn({ err, room, publishId }, 'import failed');
            throw new OnairError('UNAVAILABLE', 'the danmaku were not all stored; send the document again');
          }
          importLog.info({ room, publishId, userId: importer.userId, imported, skipped }, 'danmaku imported');
          void reply.header('cache-control', 'no-store');
          return { imported, skipped };
        },
      );
    });
  };
}
