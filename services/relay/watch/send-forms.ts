import { byId } from './dom.js';
import type { RealtimeSocket } from './realtime-socket.js';

/** The send forms, enabled once a socket's `welcome` names a signed-in user. */
export interface SendForms {
  /** Enables or disables the danmaku form (signed in on the danmaku socket, and the page is live). */
  danmakuEnabled(on: boolean): void;
  chatEnabled(on: boolean): void;
}

let keys = 0;
/** A post's idempotency key (libs/realtime: a resend with the same key is stored once). */
function postKey(prefix: string): string {
  keys += 1;
  return `${prefix}-${Date.now().toString(36)}-${keys}`;
}

function setEnabled(form: HTMLFormElement, on: boolean): void {
  for (const el of form.elements) if ('disabled' in el) (el as HTMLInputElement).disabled = !on;
}

/**
 * Wires the danmaku form (text, mode, colour, size; posted with the playhead's wall-clock time so the danmaku lands
 * where the poster saw it) and the chat form to their sockets.
 * @param playheadMs the playing frame's wall-clock time, unix epoch ms (see Player).
 * @param say shows a line in the page's status.
 */
export function setUpSendForms(
  danmaku: RealtimeSocket | undefined,
  chat: RealtimeSocket,
  playheadMs: () => number | undefined,
  say: (text: string) => void,
): SendForms {
  const danmakuForm = byId('danmaku-form', HTMLFormElement);
  const chatForm = byId('chat-form', HTMLFormElement);
  danmakuForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = byId('danmaku-text', HTMLInputElement);
    const playhead = playheadMs();
    const sent = danmaku?.send({
      v: 1,
      type: 'danmaku',
      text: text.value,
      mode: byId('danmaku-mode', HTMLSelectElement).value,
      color: byId('danmaku-color', HTMLInputElement).value,
      size: byId('danmaku-size', HTMLSelectElement).value,
      key: postKey('d'),
      ...(playhead === undefined ? {} : { playheadMs: playhead }),
    });
    if (sent) text.value = '';
    else say('danmaku: not connected');
  });
  chatForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = byId('chat-text', HTMLInputElement);
    if (chat.send({ v: 1, type: 'message', text: text.value, key: postKey('c') })) text.value = '';
    else say('chat: not connected');
  });
  return {
    danmakuEnabled: (on) => setEnabled(danmakuForm, on),
    chatEnabled: (on) => setEnabled(chatForm, on),
  };
}
