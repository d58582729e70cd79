import { startProcess } from '@onair/testing';

/** What an ffplay run showed. */
export interface FfplayRun {
  /** Seconds of media ffplay's master clock advanced, from its status lines. */
  played: number;
  /** Lines ffplay logged at level error or fatal. */
  errors: string[];
}

const CLOCK = /(\d+\.\d+) A-V:/g;

/**
 * Plays `url` with ffplay (FFmpeg's player, whose HLS demuxer knows nothing of Low-Latency HLS) on SDL's dummy video
 * and audio drivers, so it decodes and renders with no display or sound card, for `seconds` of wall time, then stops
 * it. (ffplay's own `-t` never ends on a live stream: it drops packets past the duration but reaches no end.)
 */
export async function playInFfplay(url: string, seconds: number): Promise<FfplayRun> {
  const proc = startProcess('ffplay', ['-hide_banner', '-loglevel', 'level+info', url], {
    SDL_VIDEODRIVER: 'dummy',
    SDL_AUDIODRIVER: 'dummy',
  });
  await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, seconds * 1000))]);
  await proc.stop();
  const output = proc.output();
  const clocks = [...output.matchAll(CLOCK)].map((m) => Number(m[1]));
  const played = clocks.length > 1 ? (clocks.at(-1) ?? 0) - (clocks[0] ?? 0) : 0;
  const errors = output.split(/[\r\n]/).filter((l) => /\[(error|fatal)\]/.test(l));
  return { played, errors };
}
