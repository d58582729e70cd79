/** Danmaku modes of the danmaku service's schema (services/danmaku/README.md, "Message schema"). */
export type DanmakuMode = 'scroll' | 'top' | 'bottom' | 'reverse';
/** Font sizes: Bilibili's 18 / 25 / 36 px. */
export type DanmakuSize = 'small' | 'normal' | 'large';

/** A danmaku as the overlay draws it. */
export interface DanmakuItem {
  readonly text: string;
  readonly mode: DanmakuMode;
  /** `#rrggbb`. */
  readonly color: string;
  readonly size: DanmakuSize;
}

/** A chat `message` frame (services/chat/README.md). */
export interface ChatMessage {
  readonly id: string;
  readonly userId?: string;
  readonly name: string;
  readonly text: string;
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
  | ({ readonly type: 'danmaku'; readonly id: string } & DanmakuItem)
  | ({ readonly type: 'message' } & ChatMessage)
  | { readonly type: 'history'; readonly messages: readonly ChatMessage[] }
  | { readonly type: 'presence'; readonly viewers: number }
  | { readonly type: 'deleted'; readonly id: string }
  | { readonly type: 'cleared' }
  | { readonly type: 'held'; readonly message: ChatMessage }
  | { readonly type: 'released'; readonly id: string }
  | { readonly type: 'moderated'; readonly action: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'batch'; readonly items: readonly ServerFrame[] }
  | { readonly type: 'room_state' };

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** `value` when it is a `#rrggbb` colour, else white: a colour goes into a style property only when it is one. */
export function safeColor(value: unknown): string {
  return typeof value === 'string' && COLOR.test(value) ? value : '#ffffff';
}
