/**
 * Thrown when a publisher's media cannot be repackaged: a malformed FLV audio or video body, a sequence header
 * that does not parse, or a codec the source rendition cannot carry. The publish is dropped with it; the
 * message names what was wrong and never echoes the media.
 */
export class RemuxError extends Error {
  override readonly name = 'RemuxError';
}
