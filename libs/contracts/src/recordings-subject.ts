import { z } from 'zod';
import { ROOM_ID_PATTERN } from './room-id.js';

/**
 * NATS subject on which every origin relay with RELAY_NATS_URL answers requests to delete one recording from its
 * recordings directory (ingest's RoomsService.DeleteRecording asks; each origin that holds a copy deletes it and
 * replies). Request: a {@link DeleteRecordingRequest} as JSON; reply: a {@link DeleteRecordingReply} as JSON.
 */
export const RECORDINGS_DELETE_SUBJECT = 'onair.recordings.delete';

/** A publish id as recordings name it: a UUID (lower-case hex), the `publishId` of the live entry. */
export const PUBLISH_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Zod schema of a request on {@link RECORDINGS_DELETE_SUBJECT}. */
export const deleteRecordingRequestSchema = z.object({
  room: z.string().regex(ROOM_ID_PATTERN),
  publishId: z.string().regex(PUBLISH_ID_PATTERN),
});

/** Which recording to delete. */
export type DeleteRecordingRequest = z.infer<typeof deleteRecordingRequestSchema>;

/** Zod schema of a reply on {@link RECORDINGS_DELETE_SUBJECT}. */
export const deleteRecordingReplySchema = z.object({
  /** True when this origin held the recording and deleted it. */
  deleted: z.boolean(),
  /** What the deleted recording held on this origin, bytes; absent when nothing was deleted. */
  bytes: z.number().int().nonnegative().optional(),
});

/** One origin's answer. */
export type DeleteRecordingReply = z.infer<typeof deleteRecordingReplySchema>;
