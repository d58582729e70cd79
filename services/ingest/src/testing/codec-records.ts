// Decoder configuration records and frame headers that real encoders wrote, for the Enhanced RTMP codec parsers'
// tests. Made with Debian 12's ffmpeg 5.1 (libx265 3.5, libaom 3.6, SVT-AV1 1.4, rav1e 0.5, libvpx 1.12,
// libopus 1.3): video from `-f lavfi -i testsrc2=size=<W>x<H>:rate=30 -t 0.2` (or `-frames:v 1`), audio from
// `-f lavfi -i sine=frequency=440`, written with `-f mp4` and the box bodies (hvcC, av1C, vpcC, dOps) cut out of
// the sample entry; OpusHead from the same encodes with `-f ogg`.

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** hvcC bodies from libx265 (`-x265-params info=0 -tag:v hvc1`). */
export const HVCC = {
  /** Main, level 2.1 (63), 640x360: no conformance window (360 is a multiple of the 8-sample minimum CU). */
  MAIN_360P: hex(
    '0101600000009000000000003ff000fcfdf8f800000f03a00001001840010c01ffff01600000030090000003000003003f959809a100' +
      '01002a42010101600000030090000003000003003fa00502016965959a4932bc05a020000003002000000303c1a2000100074401c172' +
      'b46240',
  ),
  /** Main, level 4 (120), 1920x1080 coded as 1920x1088 (`-preset ultrafast`, 16-sample CUs), 8 rows cropped. */
  MAIN_1080P: hex(
    '01016000000090000000000078f000fcfdf8f800000f03a00001001840010c01ffff016000000300900000030000030078959409a100' +
      '01002b420101016000000300900000030000030078a003c0801107cb965654a4c2f0168080000003008000000f04a2000100064401c0' +
      '73c189',
  ),
  /** Main 10 (`-pix_fmt yuv420p10le`), level 2 (60), 426x240 coded 432 wide, 3 chroma columns cropped. */
  MAIN10_240P: hex(
    '0102200000009000000000003cf000fcfdfafa00000f03a00001001840010c01ffff02200000030090000003000003003c959809a100' +
      '01002b42010102200000030090000003000003003ca00d880f1c9b65959a4932bc05a020000003002000000303c1a2000100074401c1' +
      '72b46240',
  ),
  /** Format range extensions 4:2:2 (`-pix_fmt yuv422p`), 426x240: SubWidthC 2, SubHeightC 1. */
  REXT_422_240P: hex(
    '0104080000009d08000000003cf000fcfef8f800000f03a00001001740010c01ffff0408000003009d0800000300003c959809a10001' +
      '002a4201010408000003009d0800000300003cb00d880f1c9e5959a4932bc05a020000030002000003003c10a2000100074401c172b4' +
      '6240',
  ),
  /** Format range extensions 4:4:4 (`-pix_fmt yuv444p`), 426x240: the window counts luma samples. */
  REXT_444_240P: hex(
    '0104080000009e08000000003cf000fcfff8f800000f03a00001001740010c01ffff0408000003009e0800000300003c959809a10001' +
      '00294201010408000003009e0800000300003c9001b101e39fcb2b349265780b4040000003004000000782a2000100084401c172860c' +
      '4624',
  ),
  /** Format range extensions 4:0:0 (`-pix_fmt gray`), 426x240: monochrome, the window counts luma samples. */
  REXT_GRAY_240P: hex(
    '0104080000009fc8000000003cf000fcfcf8f800000f03a00001001740010c01ffff0408000003009fc800000300003c959809a10001' +
      '002a4201010408000003009fc800000300003cc036203c73f96566924caf016c08000003000800000300f040a2000100074401c172b4' +
      '6240',
  ),
  /** Main 640x360 with two temporal sub-layers (`temporal-layers=1`): profile_tier_level has sub-layer flags. */
  SUB_LAYERS_360P: hex(
    '0101600000009000000000003ff000fcfdf8f800001303a00001001c40010c02ffff01600000030090000003000003003f00009598ac' +
      'c048a10001002e42010201600000030090000003000003003f0000a005020169659598acd24995e02d010000030001000003001e08a2' +
      '000100074401c172b46240',
  ),
} as const;

/** av1C bodies: marker/version, profile/level/tier/bit depth bytes, then the sequence header OBU. */
export const AV1C = {
  /** libaom (`-cpu-used 8`), Main, level 2.1 (seq_level_idx 1), 8-bit, 640x360. */
  AOM_360P: hex('81010c000a0b0000000cc4ff6736be4010'),
  /** libaom 10-bit (`-pix_fmt yuv420p10le`), seq_level_idx 0, 426x240. */
  AOM_10BIT_240P: hex('81004c000a0b000000043ea7bcdaf94040'),
  /** libaom High profile 4:4:4 (`-pix_fmt yuv444p`), 426x240. */
  AOM_444_240P: hex('812000000a0a200000043ea7bcdaf902'),
  /** libaom with timing_info (`-aom-params timing-info=1`), 640x360. */
  AOM_TIMING_INFO_360P: hex('81010c000a1404000000040000007b400001bcc4ff6736be4010'),
  /** libaom with timing_info and decoder_model_info (`-aom-params timing-info=model`), 640x360. */
  AOM_DECODER_MODEL_360P: hex('81010c000a1e040000000400000079780000000a530000075f915f90bcc4ff6736be4010'),
  /** libaom still picture (`-frames:v 1 -still-picture 1`): reduced_still_picture_header, 640x360. */
  AOM_STILL_PICTURE_360P: hex('81010c000a07186627fb3b4010'),
  /** rav1e (`-speed 10`), seq_level_idx 31 (above 7, so seq_tier is coded), 640x360. */
  RAV1E_360P: hex('811f0c000a0e000000fa627fb38842a204040428'),
  /** SVT-AV1 (`-preset 12`), level 4.0 (seq_level_idx 8), 1920x1080. */
  SVT_1080P: hex('81080c000a0b00000042abbfc3700be001'),
} as const;

/** vpcC bodies from libvpx-vp9 (`-deadline realtime -cpu-used 8`): FullBox version 1, flags 0, then the record. */
export const VPCC = {
  /** Profile 0, level 2.1, 8-bit 4:2:0 colocated, 640x360. */
  PROFILE0_360P: hex('010000000015820202020000'),
  /** Profile 0, level 4, 1920x1080. */
  PROFILE0_1080P: hex('010000000028820202020000'),
  /** Profile 2 (`-pix_fmt yuv420p10le`), level 2, 10-bit. */
  PROFILE2_10BIT_240P: hex('010000000214a20202020000'),
  /** Profile 1 (`-pix_fmt yuv444p`), level 2, 8-bit 4:4:4. */
  PROFILE1_444_240P: hex('010000000114860202020000'),
  /** Profile 3 (`-pix_fmt yuv444p12le`), level 2, 12-bit 4:4:4. */
  PROFILE3_12BIT_240P: hex('010000000314c60202020000'),
} as const;

/** The first 16 bytes of VP9 frames from the same encodes: the uncompressed header and a little more. */
export const VP9_FRAME_HEADS = {
  /** Key frame, profile 0, 640x360. */
  KEY_PROFILE0_360P: hex('824983420027f016760638241c184a10'),
  /** Key frame, profile 0, 1920x1080. */
  KEY_PROFILE0_1080P: hex('824983420077f043760638241c184a18'),
  /** Key frame, profile 2 (ten_or_twelve_bit), 426x240. */
  KEY_PROFILE2_240P: hex('92498342000d48077b031c120e0c2c00'),
  /** Key frame, profile 1 (subsampling bits), 426x240. */
  KEY_PROFILE1_240P: hex('a249834200035201dec0c70483830940'),
  /** Key frame, profile 3 (reserved_zero after the profile, ten_or_twelve_bit, subsampling bits), 426x240. */
  KEY_PROFILE3_240P: hex('b124c1a14000d48077b031c120e0c2e0'),
  /** Key frame, profile 1, color_space CS_RGB (`-pix_fmt gbrp`), 426x240. */
  KEY_PROFILE1_RGB_240P: hex('a2498342e01a900ef60638241c184a00'),
  /** The inter frame after KEY_PROFILE0_360P. */
  INTER_PROFILE0_360P: hex('86004092f1214004007e7f1df47dc6fc'),
} as const;

/** OpusHead packets from libopus in Ogg, and the dOps bodies ffmpeg's MP4 muxer writes for the same encodes. */
export const OPUS = {
  /** Stereo 48 kHz, mapping family 0. */
  HEAD_STEREO: hex('4f707573486561640102380180bb0000000000'),
  DOPS_STEREO: hex('000201380000bb80000000'),
  /** Mono from 16 kHz input (`sample_rate=16000`): input sample rate 16000. */
  HEAD_MONO_16K: hex('4f7075734865616401013801803e0000000000'),
  DOPS_MONO_16K: hex('0001013800003e80000000'),
  /** 5.1 (`-ac 6`): mapping family 1, 4 streams of which 2 coupled, Vorbis channel order. */
  HEAD_5_1: hex('4f707573486561640106380180bb00000000010402000401020305'),
  DOPS_5_1: hex('000601380000bb800000010402000401020305'),
} as const;
