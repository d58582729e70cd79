import type { ServerFrame } from './frames.js';
import { PostList } from './post-list.js';
import type { RealtimeSocket } from './realtime-socket.js';

/** Roles that may moderate (libs/realtime: moderator and above). */
const MODERATING_ROLES: ReadonlySet<string> = new Set(['moderator', 'broadcaster', 'admin']);
/** Held posts listed at once; the server sends the waiting ones again after each moderator's hello. */
const MAX_HELD = 200;

/** The moderation actions the page offers, with their button labels (libs/realtime/README.md, "Moderation"). */
const ACTIONS = { delete: 'Delete', timeout: 'Timeout', ban: 'Ban', approve: 'Approve', deny: 'Deny' } as const;
type Action = keyof typeof ACTIONS;

let keys = 0;
/** A `moderate` frame's key, echoed back in its `moderated` answer. */
function moderateKey(): string {
  keys += 1;
  return `m-${Date.now().toString(36)}-${keys}`;
}

/** A `<span class="mod">` of buttons, one per action: class `mod-<action>`, `data-action`, the label as text. */
function controls(actions: readonly Action[]): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'mod';
  for (const action of actions) {
    const el = document.createElement('button');
    el.type = 'button';
    el.className = `mod-${action}`;
    el.dataset.action = action;
    el.textContent = ACTIONS[action];
    span.append(el);
  }
  return span;
}

/** Options of {@link ModeratorControls}. */
export interface ModeratorControlsOptions {
  /** The service's name as the status line shows it: `chat` or `danmaku`. */
  readonly service: string;
  /** The service's socket, where `moderate` frames go. */
  readonly socket: RealtimeSocket;
  /** The list of the service's posts (entries with `data-id` and `data-user-id`, see PostList) to act on. */
  readonly posts: HTMLOListElement;
  /** The list the service's posts held for review go in. */
  readonly held: HTMLOListElement;
  /** What is shown only to moderators (the held list's section). */
  readonly tools: HTMLElement;
  /** The timeout's duration choice, seconds. */
  readonly timeoutSeconds: HTMLSelectElement;
  /** Shows a line in the page's status. */
  readonly say: (text: string) => void;
}

/**
 * One service's moderator controls (chat's or danmaku's), for a signed-in user whose `welcome` roles include
 * moderator, broadcaster or admin: delete / timeout / ban buttons on each listed post, and the list of posts held for
 * review with approve / deny. Each button sends a `moderate` frame over the service's socket (libs/realtime/README.md,
 * "Moderation": `delete` with the post's `id`, `timeout` with its `userId` and `seconds` from the duration choice,
 * `ban` with `userId`, `approve` / `deny` with the held post's `id`); refusals (FORBIDDEN, PERMISSION_DENIED, …) come
 * back as error frames the page's status shows. Other users get no controls: the server refuses their `moderate`
 * frames anyway. Texts go in with `textContent`.
 */
export class ModeratorControls {
  private active = false;
  private readonly held: PostList;

  constructor(private readonly options: ModeratorControlsOptions) {
    this.held = new PostList(options.held, {
      max: MAX_HELD,
      decorate: (item) => item.append(controls(['approve', 'deny'])),
    });
    options.posts.addEventListener('click', (event) => this.onClick(event));
    options.held.addEventListener('click', (event) => this.onClick(event));
  }

  /** Turns the controls on or off for the roles of the socket's `welcome` (none: a reader). */
  setRoles(roles: readonly string[]): void {
    const active = roles.some((role) => MODERATING_ROLES.has(role));
    if (active === this.active) return;
    this.active = active;
    this.options.tools.hidden = !active;
    // The server sends the waiting held posts again after each moderator's hello.
    this.held.clear();
    for (const item of this.options.posts.children) if (item instanceof HTMLLIElement) this.decorate(item);
  }

  /** Adds the buttons to a post's entry (or removes them when the user does not moderate); PostList calls it on each. */
  decorate(item: HTMLLIElement): void {
    item.querySelector('.mod')?.remove();
    if (!this.active) return;
    item.append(controls(item.dataset.userId ? ['delete', 'timeout', 'ban'] : ['delete']));
  }

  /**
   * Takes the socket's moderation frames: `held` (listed, once), `released` (approved or denied: unlisted) and
   * `moderated` (confirmed in the status line).
   * @returns whether `frame` was one of them.
   */
  onFrame(frame: ServerFrame): boolean {
    if (frame.type === 'held') {
      if (this.active) this.held.add(frame.message);
    } else if (frame.type === 'released') this.held.remove(frame.id);
    else if (frame.type === 'moderated') this.options.say(`${this.options.service}: ${frame.action} done`);
    else return false;
    return true;
  }

  private onClick(event: MouseEvent): void {
    const target = event.target;
    if (!(target instanceof HTMLButtonElement)) return;
    const item = target.closest('li');
    const id = item?.dataset.id;
    const userId = item?.dataset.userId;
    const action = target.dataset.action;
    if (!id) return;
    if (action === 'timeout' && userId)
      this.send({ action, userId, seconds: Number(this.options.timeoutSeconds.value) });
    else if (action === 'ban' && userId) this.send({ action, userId });
    else if (action === 'delete' || action === 'approve' || action === 'deny') this.send({ action, id });
  }

  private send(action: Record<string, unknown>): void {
    const sent = this.options.socket.send({ v: 1, type: 'moderate', ...action, key: moderateKey() });
    if (!sent) this.options.say(`${this.options.service}: not connected`);
  }
}
