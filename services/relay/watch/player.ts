import Hls from 'hls.js';
import { byId } from './dom.js';

/** How often the latency readout is refreshed, ms. */
const READOUT_MS = 500;
/** How long after a fatal network error (the room not live yet, the relay away) the source is loaded again, ms. */
const RETRY_MS = 3000;

/** The playing stream, as the rest of the page reads it. */
export interface Player {
  readonly video: HTMLVideoElement;
  /** Wall-clock time of the frame shown (EXT-X-PROGRAM-DATE-TIME), unix epoch ms; undefined before any. */
  playingDateMs(): number | undefined;
}

/**
 * Plays `src` (a master playlist) in the page's video with hls.js in low-latency mode (LL-HLS parts and blocking
 * playlist reloads), or natively where Media Source Extensions are missing (Safari on iOS). Shows the LIVE badge
 * while the playlist is live, the latency behind the live edge (hls.js `latency`, from PROGRAM-DATE-TIME and the
 * playlist's hold-back), and fills the quality selector with the renditions (plus auto, hls.js' ABR). Playback starts
 * once hls.js has buffered from its start position (`hasEnoughToStart`), so it never jumps forward at start-up.
 * @param say shows a line in the page's status.
 */
export function startPlayer(src: string, say: (text: string) => void): Player {
  const video = byId('video', HTMLVideoElement);
  const badge = byId('live-badge', HTMLSpanElement);
  const latency = byId('latency', HTMLSpanElement);
  const quality = byId('quality', HTMLSelectElement);
  if (!Hls.isSupported()) {
    video.autoplay = true;
    video.src = src;
    quality.disabled = true;
    return { video, playingDateMs: () => undefined };
  }
  const hls = new Hls({ lowLatencyMode: true, enableWorker: false, backBufferLength: 30 });
  hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
    const auto = new Option('auto', '-1', true, true);
    const levels = data.levels.map((level, index) => {
      const label = level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kbit/s`;
      return new Option(label, String(index));
    });
    quality.replaceChildren(auto, ...levels);
    say('');
  });
  hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
    badge.hidden = !data.details.live;
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      hls.recoverMediaError();
      return;
    }
    say(`stream unavailable (${data.details}), retrying`);
    badge.hidden = true;
    setTimeout(() => hls.loadSource(src), RETRY_MS);
  });
  // Played once hls.js has buffered its first fragment and put the playhead at its start position, not on `autoplay`:
  // a video already told to play starts at that fragment's keyframe (hls.js's gap controller takes it there) and is
  // then seeked forward to the start position, which can lie a few ms before the end of what is buffered, so the
  // viewer sees a jump and a stall in the first seconds. A refused play() leaves the video's own controls.
  let started = false;
  hls.on(Hls.Events.FRAG_BUFFERED, () => {
    if (started || !hls.hasEnoughToStart) return;
    started = true;
    video.play().catch(() => undefined);
  });
  quality.addEventListener('change', () => {
    hls.currentLevel = Number(quality.value);
  });
  setInterval(() => {
    const live = !badge.hidden && hls.latency > 0;
    latency.textContent = live ? `latency ${hls.latency.toFixed(1)} s` : '';
  }, READOUT_MS);
  hls.loadSource(src);
  hls.attachMedia(video);
  return { video, playingDateMs: () => hls.playingDate?.getTime() };
}
