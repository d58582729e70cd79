import type { Post } from './frames.js';

/** Options of {@link PostList}. */
export interface PostListOptions {
  /** Posts kept in the list; older ones are removed as new ones come. */
  readonly max: number;
  /** Called with each new entry before it is shown (the moderator controls add their buttons). */
  readonly decorate?: (item: HTMLLIElement) => void;
}

/**
 * A list of posts, newest last: the chat panel (the room's history on join, then each message as it comes), the
 * moderators' recent danmaku, and the posts held for review. A post leaves it when a moderator deletes it
 * (`deleted`), clears the room (`cleared`) or, for a held post, approves or denies it (`released`). Names and texts
 * go in with `textContent`, never as markup. Each entry carries `data-id` and `data-user-id`, where moderator
 * controls attach.
 */
export class PostList {
  constructor(
    private readonly list: HTMLOListElement,
    private readonly options: PostListOptions,
  ) {}

  /** Replaces the list with `posts` (oldest first), e.g. a chat `history` frame's messages. */
  history(posts: readonly Post[]): void {
    this.list.replaceChildren();
    for (const post of posts) this.add(post);
  }

  /** Appends a post (once: a post already listed is left as it is) and scrolls to it. */
  add(post: Post): void {
    if (this.find(post.id)) return;
    const item = document.createElement('li');
    item.dataset.id = post.id;
    if (post.userId) item.dataset.userId = post.userId;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = post.name;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = post.text;
    item.append(name, text);
    this.options.decorate?.(item);
    this.list.append(item);
    while (this.list.children.length > this.options.max) this.list.firstElementChild?.remove();
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Removes the post `id` (deleted by a moderator, or released from review). */
  remove(id: string): void {
    this.find(id)?.remove();
  }

  /** Removes every post (a moderator cleared the room, or the held posts are about to be sent again). */
  clear(): void {
    this.list.replaceChildren();
  }

  /** Each listed entry, oldest first. */
  *items(): IterableIterator<HTMLLIElement> {
    for (const child of this.list.children) if (child instanceof HTMLLIElement) yield child;
  }

  private find(id: string): HTMLElement | undefined {
    for (const item of this.items()) if (item.dataset.id === id) return item;
    return undefined;
  }
}
