// FLV audio and video message bodies as encoders send them, for the remux's tests.

/** avcC records libx264 wrote (ffmpeg 5.1, `-f flv`): High 3.0 640x360 and Constrained Baseline 4.0 1920x1080. */
export const AVCC_360P = Buffer.from(
  '0164001effe1001a6764001eacd940a02ff970110000030001000003003c0f162d9601000468ef8fcbfdf8f800',
  'hex',
);
export const AVCC_1080P = Buffer.from(
  '0142c028ffe100196742c028da01e0089f970110000003001000000303c0f1832a01000468ce0fc8',
  'hex',
);
/** AudioSpecificConfig of AAC-LC, 48 kHz, stereo. */
export const AAC_LC_48K_STEREO = Buffer.from([0x11, 0x90]);

function si24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeIntBE(n, 0, 3);
  return b;
}

/** An AVC sequence header VIDEODATA body (FLV spec v10.1 §E.4.3.1). */
export function avcHeader(record = AVCC_360P): Buffer {
  return Buffer.concat([Buffer.from([0x17, 0]), si24(0), record]);
}

/** An AVC NALU VIDEODATA body of `bytes` filler bytes. */
export function avcFrame(key: boolean, compositionMs = 0, bytes = 100): Buffer {
  return Buffer.concat([
    Buffer.from([key ? 0x17 : 0x27, 1]),
    si24(compositionMs),
    Buffer.alloc(bytes, key ? 0xaa : 0xbb),
  ]);
}

/** An AAC sequence header AUDIODATA body (§E.4.2.1). */
export function aacHeader(config = AAC_LC_48K_STEREO): Buffer {
  return Buffer.concat([Buffer.from([0xaf, 0]), config]);
}

/** A raw AAC frame AUDIODATA body of `bytes` filler bytes. */
export function aacFrame(bytes = 20): Buffer {
  return Buffer.concat([Buffer.from([0xaf, 1]), Buffer.alloc(bytes, 0xcc)]);
}
