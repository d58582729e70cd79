import { byId } from './dom.js';
import type { ChatMessage } from './frames.js';
import type { RealtimeSocket } from './realtime-socket.js';

/** Roles that may moderate (libs/realtime: moderator and above). */
const MODERATING_ROLES: ReadonlySet<string> = new Set(['moderator', 'broadcaster', 'admin']);

let keys = 0;
/** A `moderate` frame's key, echoed back in its `moderated` answer. */
function moderateKey(): string {
  keys += 1;
  return `m-${Date.now().toString(36)}-${keys}`;
}

function button(label: string, className: string): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = className;
  el.textContent = label;
  return el;
}

/**
 * The chat's moderator controls, for a signed-in user whose `welcome` roles include moderator, broadcaster or admin:
 * delete / timeout / ban buttons on each chat message, and the held-for-review list with approve / deny. Each button
 * sends a `moderate` frame over the chat socket (libs/realtime/README.md, "Moderation": `delete` with the message `id`,
 * `timeout` with its `userId` and `seconds` from the duration choice, `ban` with `userId`, `approve` / `deny` with the
 * held post's `id`); refusals (FORBIDDEN, PERMISSION_DENIED, …) come back as error frames the page's status shows.
 * Other users get no controls: the server refuses their `moderate` frames anyway. Texts go in with `textContent`.
 */
export class ModeratorControls {
  private active = false;
  private readonly tools = byId('mod-tools', HTMLElement);
  private readonly held = byId('held-list', HTMLOListElement);
  private readonly timeoutSeconds = byId('mod-timeout-s', HTMLSelectElement);

  /**
   * @param chatList the chat panel's list, whose entries carry `data-id` and `data-user-id`.
   * @param say shows a line in the page's status.
   */
  constructor(
    private readonly chat: RealtimeSocket,
    private readonly chatList: HTMLOListElement,
    private readonly say: (text: string) => void,
  ) {
    chatList.addEventListener('click', (event) => this.onMessageClick(event));
    this.held.addEventListener('click', (event) => this.onHeldClick(event));
  }

  /** Turns the controls on or off for the roles of the chat socket's `welcome` (none: a reader). */
  setRoles(roles: readonly string[]): void {
    const active = roles.some((role) => MODERATING_ROLES.has(role));
    if (active === this.active) return;
    this.active = active;
    this.tools.hidden = !active;
    // The server sends the waiting held posts again after each moderator's hello.
    this.held.replaceChildren();
    for (const item of this.chatList.children) if (item instanceof HTMLLIElement) this.decorate(item);
  }

  /** Adds the buttons to a chat entry (or removes them when the user does not moderate); ChatPanel calls it on each. */
  decorate(item: HTMLLIElement): void {
    item.querySelector('.mod')?.remove();
    if (!this.active) return;
    const controls = document.createElement('span');
    controls.className = 'mod';
    controls.append(button('Delete', 'mod-delete'));
    if (item.dataset.userId) controls.append(button('Timeout', 'mod-timeout'), button('Ban', 'mod-ban'));
    item.append(controls);
  }

  /** Lists a post held for review (a `held` frame), once. */
  addHeld(message: ChatMessage): void {
    if (!this.active || this.findHeld(message.id)) return;
    const item = document.createElement('li');
    item.dataset.id = message.id;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = message.name;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    const controls = document.createElement('span');
    controls.className = 'mod';
    controls.append(button('Approve', 'mod-approve'), button('Deny', 'mod-deny'));
    item.append(name, text, controls);
    this.held.append(item);
  }

  /** Removes a held post that was approved or denied (a `released` frame). */
  released(id: string): void {
    this.findHeld(id)?.remove();
  }

  /** Confirms a carried-out action (a `moderated` frame) in the status line. */
  moderated(action: string): void {
    this.say(`chat: ${action} done`);
  }

  private onMessageClick(event: MouseEvent): void {
    const target = event.target;
    if (!(target instanceof HTMLButtonElement)) return;
    const item = target.closest('li');
    const id = item?.dataset.id;
    const userId = item?.dataset.userId;
    if (!id) return;
    if (target.classList.contains('mod-delete')) this.send({ action: 'delete', id });
    else if (target.classList.contains('mod-timeout') && userId)
      this.send({ action: 'timeout', userId, seconds: Number(this.timeoutSeconds.value) });
    else if (target.classList.contains('mod-ban') && userId) this.send({ action: 'ban', userId });
  }

  private onHeldClick(event: MouseEvent): void {
    const target = event.target;
    if (!(target instanceof HTMLButtonElement)) return;
    const id = target.closest('li')?.dataset.id;
    if (!id) return;
    if (target.classList.contains('mod-approve')) this.send({ action: 'approve', id });
    else if (target.classList.contains('mod-deny')) this.send({ action: 'deny', id });
  }

  private send(action: Record<string, unknown>): void {
    if (!this.chat.send({ v: 1, type: 'moderate', ...action, key: moderateKey() })) this.say('chat: not connected');
  }

  private findHeld(id: string): HTMLElement | undefined {
    for (const child of this.held.children) if (child instanceof HTMLElement && child.dataset.id === id) return child;
    return undefined;
  }
}
