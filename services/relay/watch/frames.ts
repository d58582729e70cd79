/** Danmaku modes of the danmaku service's schema (services/danmaku/README.md, "Message schema"). */
export type DanmakuMode = 'scroll' | 'top' | 'bottom' | 'reverse';
/** Font sizes: Bilibili's 18 / 25 / 36 px. */
export type DanmakuSize = 'small' | 'normal' | 'large';

/** A danmaku as the overlay draws it. */
export interface DanmakuItem {
  /** The live danmaku's id, so that its deletion removes it from the overlay; absent for a replay's. */
  readonly id?: string;
  readonly text: string;
  readonly mode: DanmakuMode;
  /** `#rrggbb`. */
  readonly color: string;
  readonly size: DanmakuSize;
}

/**
 * What every post of either service carries and a list shows: its `id`, the poster's `name` and `userId` (from the
 * token; absent for a guest) and its `text` (libs/realtime/README.md, "Message schema"). A `held` frame's message.
 */
export interface Post {
  readonly id: string;
  readonly userId?: string;
  readonly name: string;
  readonly text: string;
}

/** A chat `message` frame (services/chat/README.md). */
export interface ChatMessage extends Post {
  readonly sentAtMs: number;
}

/** The identity a `welcome` frame names; null for a reader without a token. */
export interface WelcomeUser {
  readonly userId: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly guest: boolean;
}

/** A server frame of either socket (libs/realtime: every field the page reads, others ignored). */
export type ServerFrame =
  | { readonly type: 'welcome'; readonly user: WelcomeUser | null }
  | ({ readonly type: 'danmaku' } & Post & DanmakuItem)
  | ({ readonly type: 'message' } & ChatMessage)
  | { readonly type: 'history'; readonly messages: readonly ChatMessage[] }
  | { readonly type: 'presence'; readonly viewers: number }
  | { readonly type: 'deleted'; readonly id: string }
  | { readonly type: 'cleared' }
  | { readonly type: 'held'; readonly message: Post }
  | { readonly type: 'released'; readonly id: string }
  | { readonly type: 'moderated'; readonly action: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly untilMs?: number }
  | { readonly type: 'batch'; readonly items: readonly ServerFrame[] }
  | { readonly type: 'room_state' };

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** `value` when it is a `#rrggbb` colour, else white: a colour goes into a style property only when it is one. */
export function safeColor(value: unknown): string {
  return typeof value === 'string' && COLOR.test(value) ? value : '#ffffff';
}
