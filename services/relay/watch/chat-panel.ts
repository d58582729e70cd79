import type { ChatMessage } from './frames.js';

/** Messages kept in the panel; older ones are removed as new ones come. */
const MAX_MESSAGES = 200;

/**
 * The chat list: the room's history on join, then each message as it comes, removed when a moderator deletes it
 * (`deleted`) or clears the room (`cleared`). Names and texts go in with `textContent`, never as markup. Each entry
 * carries `data-id` and `data-user-id`, where moderator controls attach.
 */
export class ChatPanel {
  /**
   * @param decorate called with each new entry before it is shown (the moderator controls add their buttons).
   */
  constructor(
    private readonly list: HTMLOListElement,
    private readonly decorate: (item: HTMLLIElement) => void = () => undefined,
  ) {}

  /** Replaces the list with a `history` frame's messages (oldest first). */
  history(messages: readonly ChatMessage[]): void {
    this.list.replaceChildren();
    for (const message of messages) this.add(message);
  }

  /** Appends a message (once: a message already listed is left as it is) and scrolls to it. */
  add(message: ChatMessage): void {
    if (this.find(message.id)) return;
    const item = document.createElement('li');
    item.dataset.id = message.id;
    if (message.userId) item.dataset.userId = message.userId;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = message.name;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text;
    item.append(name, text);
    this.decorate(item);
    this.list.append(item);
    while (this.list.children.length > MAX_MESSAGES) this.list.firstElementChild?.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Removes the message `id` (a moderator deleted it). */
  remove(id: string): void {
    this.find(id)?.remove();
  }

  /** Removes every message (a moderator cleared the room). */
  clear(): void {
    this.list.replaceChildren();
  }

  private find(id: string): HTMLElement | undefined {
    for (const child of this.list.children) if (child instanceof HTMLElement && child.dataset.id === id) return child;
    return undefined;
  }
}
