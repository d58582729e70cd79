import { DanmakuOverlay } from './danmaku-overlay.js';
import { byId } from './dom.js';
import type { ServerFrame, WelcomeUser } from './frames.js';
import { ModeratorControls } from './moderator-controls.js';
import { fetchPageConfig, pageRoute } from './page-route.js';
import { startPlayer } from './player.js';
import { PostList } from './post-list.js';
import { RealtimeSocket } from './realtime-socket.js';
import { playReplayDanmaku } from './replay-danmaku.js';
import { setUpSendForms } from './send-forms.js';
import { setUpSignIn } from './sign-in.js';

/** Chat messages kept in the chat panel. */
const MAX_CHAT = 200;
/** Danmaku kept in the moderators' recent danmaku list (a few minutes of a busy room's). */
const MAX_RECENT_DANMAKU = 100;

const status = byId('status', HTMLParagraphElement);
/** Shows one line of status (errors, refusals); text only. */
const say = (text: string): void => {
  status.textContent = text;
};

/** An error frame of a socket, shown as its code and message, and until when for a timeout (`untilMs`). */
function showError(service: string, frame: ServerFrame): void {
  if (frame.type !== 'error') return;
  const until = frame.untilMs === undefined ? '' : ` (until ${new Date(frame.untilMs).toLocaleTimeString()})`;
  say(`${service}: ${frame.code}: ${frame.message}${until}`);
}

/**
 * The watch page: the player, danmaku over it, chat beside it, sign-in, the send forms and the moderator controls of
 * chat and (live) danmaku.
 */
async function main(): Promise<void> {
  const { room, publishId } = pageRoute(location.pathname);
  const config = await fetchPageConfig();
  document.title = `${room} · Onair`;
  const src = publishId ? `/vod/${room}/${publishId}/master.m3u8` : `/hls/${room}/master.m3u8`;
  const player = startPlayer(src, say);
  const overlay = new DanmakuOverlay(byId('danmaku-layer', HTMLDivElement));
  const danmakuOn = byId('danmaku-on', HTMLInputElement);
  const density = byId('danmaku-density', HTMLSelectElement);
  danmakuOn.addEventListener('change', () => (overlay.enabled = danmakuOn.checked));
  density.addEventListener('change', () => (overlay.density = Number(density.value)));
  player.video.addEventListener('pause', () => overlay.setPaused(true));
  player.video.addEventListener('play', () => overlay.setPaused(false));

  let signedIn = false;
  const timeoutSeconds = byId('mod-timeout-s', HTMLSelectElement);
  /** One service's moderator controls over `socket`, on `posts`, with its held list and section of the page. */
  const moderatorControls = (
    service: string,
    socket: RealtimeSocket,
    posts: HTMLOListElement,
    tools: string,
    held: string,
  ) =>
    new ModeratorControls({
      service,
      socket,
      posts,
      held: byId(held, HTMLOListElement),
      tools: byId(tools, HTMLElement),
      timeoutSeconds,
      say,
    });
  const chatList = byId('chat-list', HTMLOListElement);
  const chatPanel = new PostList(chatList, { max: MAX_CHAT, decorate: (item) => chatModeration.decorate(item) });
  const danmakuList = byId('danmaku-list', HTMLOListElement);
  const recentDanmaku = new PostList(danmakuList, {
    max: MAX_RECENT_DANMAKU,
    decorate: (item) => danmakuModeration?.decorate(item),
  });
  const viewers = byId('viewers', HTMLSpanElement);
  const signedInAs = byId('signed-in-as', HTMLParagraphElement);
  const welcomed = (user: WelcomeUser | null): void => {
    if (user) signedInAs.textContent = `Signed in as ${user.name} (${user.roles.join(', ')})`;
  };
  const expired = (): void => {
    signedIn = false;
    forms.chatEnabled(false);
    forms.danmakuEnabled(false);
    chatModeration.setRoles([]);
    danmakuModeration?.setRoles([]);
    signedInAs.textContent = 'Sign-in expired: sign in again to post.';
  };
  const chat = new RealtimeSocket({
    baseUrl: config.chatUrl,
    room,
    onState: (open) => forms.chatEnabled(open && signedIn),
    onExpired: expired,
    onFrame: (frame) => {
      if (chatModeration.onFrame(frame)) return;
      if (frame.type === 'history') chatPanel.history(frame.messages);
      else if (frame.type === 'message') chatPanel.add(frame);
      else if (frame.type === 'deleted') chatPanel.remove(frame.id);
      else if (frame.type === 'cleared') chatPanel.clear();
      else if (frame.type === 'presence') viewers.textContent = `${frame.viewers} watching`;
      else if (frame.type === 'welcome') {
        welcomed(frame.user);
        forms.chatEnabled(frame.user !== null);
        chatModeration.setRoles(frame.user?.roles ?? []);
      } else showError('chat', frame);
    },
  });
  const chatModeration = moderatorControls('chat', chat, chatList, 'mod-tools', 'held-list');
  // A recording's danmaku come from its list at their times; the live room's from the socket as they are posted,
  // and leave the overlay and the moderators' recent list when a moderator deletes them.
  const danmaku = publishId
    ? undefined
    : new RealtimeSocket({
        baseUrl: config.danmakuUrl,
        room,
        onState: (open) => forms.danmakuEnabled(open && signedIn),
        onExpired: expired,
        onFrame: (frame) => {
          if (danmakuModeration?.onFrame(frame)) return;
          if (frame.type === 'danmaku') {
            overlay.show(frame);
            recentDanmaku.add(frame);
          } else if (frame.type === 'deleted') {
            overlay.remove(frame.id);
            recentDanmaku.remove(frame.id);
          } else if (frame.type === 'cleared') {
            overlay.clear();
            recentDanmaku.clear();
          } else if (frame.type === 'welcome') {
            welcomed(frame.user);
            forms.danmakuEnabled(frame.user !== null);
            danmakuModeration?.setRoles(frame.user?.roles ?? []);
          } else showError('danmaku', frame);
        },
      });
  const danmakuModeration =
    danmaku && moderatorControls('danmaku', danmaku, danmakuList, 'danmaku-mod-tools', 'danmaku-held-list');
  const forms = setUpSendForms(danmaku, chat, () => player.playingDateMs(), say);
  setUpSignIn(
    config,
    (token) => {
      signedIn = true;
      chat.signIn(token);
      danmaku?.signIn(token);
    },
    say,
  );
  chat.connect();
  danmaku?.connect();
  if (publishId) {
    byId('replay-badge', HTMLSpanElement).hidden = false;
    byId('danmaku-form', HTMLFormElement).hidden = true;
    await playReplayDanmaku(config.danmakuUrl, room, publishId, player.video, overlay);
  }
}

main().catch((err: unknown) => say(err instanceof Error ? err.message : String(err)));
