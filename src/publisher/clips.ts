/**
 * The committed fixtures (scripts/make-fixtures.sh) as ready-to-packetize clips: every frame
 * with its keyframe flag and a fixed RTP duration. Read once per process with plain fs, so the
 * publisher needs no ffmpeg at runtime.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { accessUnits, toAnnexB } from "./annexb.ts";
import { isVp8Keyframe, parseIvf } from "./ivf.ts";
import { parseOggOpus } from "./ogg.ts";

export type PublishCodec = "vp8" | "h264";

export interface EncodedFrame {
  readonly data: Buffer;
  readonly keyframe: boolean;
}

export interface Clip {
  readonly kind: "audio" | "video";
  readonly codec: PublishCodec | "opus";
  readonly clockRate: number;
  /** RTP timestamp increment per frame. */
  readonly frameTicks: number;
  readonly frames: readonly EncodedFrame[];
  readonly width?: number;
  readonly height?: number;
}

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const VIDEO_CLOCK = 90_000;
const OPUS_CLOCK = 48_000;
const FPS = 30;
/** The fixture's Opus frames are 20 ms (make-fixtures.sh `-frame_duration 20`). */
const OPUS_FRAME_MS = 20;

const cache = new Map<string, Clip>();

function load(name: string, build: (buf: Buffer) => Clip): Clip {
  let clip = cache.get(name);
  if (!clip) {
    clip = build(readFileSync(FIXTURES_DIR + name));
    cache.set(name, clip);
  }
  return clip;
}

export function videoClip(codec: PublishCodec): Clip {
  if (codec === "vp8") {
    return load("test-pattern.ivf", (buf) => {
      const ivf = parseIvf(buf);
      if (ivf.fourcc !== "VP80") throw new Error(`test-pattern.ivf holds ${ivf.fourcc}, not VP8`);
      const frames = ivf.frames.map((data) => ({ data, keyframe: isVp8Keyframe(data) }));
      return { kind: "video", codec, clockRate: VIDEO_CLOCK, frameTicks: VIDEO_CLOCK / (ivf.fps || FPS), frames, width: ivf.width, height: ivf.height };
    });
  }
  return load("test-pattern.h264", (buf) => {
    const frames = accessUnits(buf).map((au) => ({ data: toAnnexB(au.nalUnits), keyframe: au.keyframe }));
    return { kind: "video", codec, clockRate: VIDEO_CLOCK, frameTicks: VIDEO_CLOCK / FPS, frames, width: 640, height: 360 };
  });
}

export function audioClip(): Clip {
  return load("tone.opus", (buf) => {
    const opus = parseOggOpus(buf);
    const frames = opus.packets.map((data) => ({ data, keyframe: true }));
    return { kind: "audio", codec: "opus", clockRate: OPUS_CLOCK, frameTicks: (OPUS_CLOCK * OPUS_FRAME_MS) / 1000, frames };
  });
}

/** Milliseconds one frame of the clip lasts. */
export const frameMs = (clip: Clip): number => (clip.frameTicks * 1000) / clip.clockRate;
