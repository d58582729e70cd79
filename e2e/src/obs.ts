import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The programs {@link launchObs} runs: OBS Studio, and xvfb-run (with the xauth it calls) for a display. */
const PROGRAMS = { obs: 'obs-studio', 'xvfb-run': 'xvfb', xauth: 'xauth' } as const;

/**
 * The connect `flashVer` OBS Studio sends (plugins/obs-outputs/rtmp-stream.c, unchanged since OBS 0.16 in 2016):
 * the FMLE string servers expect, without OBS's name, which OBS puts in onMetaData's `encoder` instead.
 */
export const OBS_FLASH_VER = 'FMLE/3.0 (compatible; FMSc/1.0)';

/** What OBS publishes, and where to. */
export interface ObsPublishOptions {
  /** RTMP application URL, e.g. `rtmp://127.0.0.1:1935/live`. */
  server: string;
  streamKey: string;
  /** Canvas and output width, pixels. @default 640 */
  width?: number;
  /** Canvas and output height, pixels. @default 360 */
  height?: number;
  /** Frame rate, frames/s. @default 30 */
  fps?: number;
  /** x264 CBR bit rate, kbit/s. @default 1000 */
  videoKbps?: number;
  /** AAC bit rate, kbit/s. @default 128 */
  audioKbps?: number;
}

/** OBS Studio running headless under xvfb-run, publishing over RTMP. */
export interface ObsRun {
  /** Everything xvfb-run, Xvfb and OBS wrote to stdout and stderr so far (OBS logs there as well as to its file). */
  output(): string;
  /** The exit code (OBS's, which xvfb-run passes on) or the signal name, once xvfb-run has exited. */
  readonly exited: Promise<number | string>;
  /**
   * Stops OBS the way Ctrl-C does (SIGINT: it stops the stream, sending FCUnpublish and deleteStream, and quits),
   * then after `graceMs` SIGTERM and SIGKILL to xvfb-run's process group (xvfb-run, Xvfb, OBS); removes the
   * config directory. @default graceMs 10000
   */
  stop(graceMs?: number): Promise<number | string>;
}

/** Whether `name` is an executable file in a directory of PATH. */
function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Checks that `obs`, `xvfb-run` and `xauth` are on PATH.
 * @throws Error naming the missing programs, their Debian packages and the script that installs them.
 */
export function requireObs(): void {
  const missing = Object.entries(PROGRAMS).filter(([program]) => !onPath(program));
  if (missing.length === 0) return;
  throw new Error(
    `${missing.map(([program, pkg]) => `${program} (Debian package ${pkg})`).join(', ')} not on PATH; ` +
      'install the test tools with `sudo bash scripts/install-system-deps.sh --with-test-tools`',
  );
}

const PROFILE = 'Onair e2e';
const COLLECTION = 'Onair e2e';

/**
 * Writes an OBS Studio 29 configuration under `configHome` (what $XDG_CONFIG_HOME points at) that streams with no
 * dialog: global.ini marks the first run done (no auto-configuration wizard) and the preview off; a profile in
 * Advanced output mode (x264 CBR with a 2 s keyframe interval, AAC on track 1) with a custom RTMP service; a scene
 * collection holding one scene with a colour source the size of the canvas. Sources of audio are none: OBS
 * encodes its silent mix.
 */
export function writeObsConfig(configHome: string, options: ObsPublishOptions): void {
  const { width = 640, height = 360, fps = 30, videoKbps = 1000, audioKbps = 128 } = options;
  const root = join(configHome, 'obs-studio');
  const profile = join(root, 'basic/profiles/onair-e2e');
  const scenes = join(root, 'basic/scenes');
  mkdirSync(profile, { recursive: true });
  mkdirSync(scenes, { recursive: true });
  const ini = (sections: Record<string, Record<string, string | number | boolean>>): string =>
    Object.entries(sections)
      .map(([name, keys]) => [`[${name}]`, ...Object.entries(keys).map(([k, v]) => `${k}=${v}`)].join('\n'))
      .join('\n\n') + '\n';
  writeFileSync(
    join(root, 'global.ini'),
    ini({
      General: { FirstRun: true, ConfirmOnExit: false, WarnBeforeStartingStream: false },
      BasicWindow: { PreviewEnabled: false },
      Basic: {
        Profile: PROFILE,
        ProfileDir: 'onair-e2e',
        SceneCollection: COLLECTION,
        SceneCollectionFile: 'onair-e2e',
      },
    }),
  );
  writeFileSync(
    join(profile, 'basic.ini'),
    ini({
      General: { Name: PROFILE },
      Output: { Mode: 'Advanced' },
      AdvOut: { Encoder: 'obs_x264', TrackIndex: 1, Track1Bitrate: audioKbps },
      Video: { BaseCX: width, BaseCY: height, OutputCX: width, OutputCY: height, FPSType: 0, FPSCommon: fps },
      Audio: { SampleRate: 48000, ChannelSetup: 'Stereo' },
    }),
  );
  const json = (file: string, value: unknown): void => writeFileSync(file, JSON.stringify(value, null, 2));
  json(join(profile, 'service.json'), {
    type: 'rtmp_custom',
    settings: { server: options.server, key: options.streamKey },
  });
  json(join(profile, 'streamEncoder.json'), {
    rate_control: 'CBR',
    bitrate: videoKbps,
    keyint_sec: 2,
    preset: 'veryfast',
  });
  json(join(scenes, 'onair-e2e.json'), {
    name: COLLECTION,
    current_scene: 'Scene',
    current_program_scene: 'Scene',
    scene_order: [{ name: 'Scene' }],
    sources: [
      {
        id: 'scene',
        versioned_id: 'scene',
        name: 'Scene',
        settings: { id_counter: 1, items: [{ name: 'Colour', id: 1, visible: true }] },
      },
      {
        id: 'color_source',
        versioned_id: 'color_source_v3',
        name: 'Colour',
        settings: { color: 0xffd05020, width, height },
      },
    ],
    transitions: [],
    current_transition: 'Fade',
    transition_duration: 300,
  });
}

/**
 * Starts Debian's OBS Studio under `xvfb-run -a` (a private X display) with Mesa's llvmpipe software GL, streaming
 * at once (`--startstreaming`) with the configuration {@link writeObsConfig} writes into a new temporary directory,
 * which HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR point at so nothing touches the real home. Qt is held to X11 and
 * the session bus is dropped, so a desktop session of the user running the tests is left alone. Bare Xvfb has no
 * system tray, so OBS shows its window (on the virtual display) whatever `--minimize-to-tray` says; the preview is
 * off instead. `--multi` keeps another running OBS from asking whether to start a second one.
 * @throws Error from {@link requireObs} when a program is missing.
 */
export function launchObs(options: ObsPublishOptions): ObsRun {
  requireObs();
  const home = mkdtempSync(join(tmpdir(), 'onair-obs-'));
  const configHome = join(home, '.config');
  const runtimeDir = join(home, 'runtime');
  mkdirSync(runtimeDir, { mode: 0o700 });
  writeObsConfig(configHome, options);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_RUNTIME_DIR: runtimeDir,
    LIBGL_ALWAYS_SOFTWARE: '1',
    QT_QPA_PLATFORM: 'xcb',
  };
  delete env.WAYLAND_DISPLAY;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const args = ['--multi', '--startstreaming', '--profile', PROFILE, '--collection', COLLECTION];
  // The shell prints its pid and execs OBS, so OBS gets that pid: SIGINT then goes to OBS alone, not to Xvfb.
  const child = spawn('xvfb-run', ['-a', 'sh', '-c', 'echo "obs pid $$"; exec obs "$@"', 'obs', ...args], {
    env,
    cwd: home,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.once('error', () => resolve(-1));
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    output: () => out,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        const obsPid = Number(/obs pid (\d+)/.exec(out)?.[1]);
        try {
          if (obsPid) process.kill(obsPid, 'SIGINT');
          else signalGroup('SIGTERM');
        } catch {
          signalGroup('SIGTERM');
        }
        const term = setTimeout(() => signalGroup('SIGTERM'), graceMs);
        const kill = setTimeout(() => signalGroup('SIGKILL'), graceMs + 5000);
        await exited;
        clearTimeout(term);
        clearTimeout(kill);
      }
      rmSync(home, { recursive: true, force: true });
      return exited;
    },
  };
}
