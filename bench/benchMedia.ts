/**
 * The bench's media, issue 7's reference stream: VP8 1280x720 at 30 fps and 2.5 Mb/s CBR plus
 * Opus 64 kb/s in 20 ms frames (the figures of spec Appendix C and notes/werift.md §4). Made
 * with ffmpeg once into .cache/bench/ (not committed), then read like the publisher's
 * fixtures.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Clip } from "../src/publisher/clips.ts";
import { isVp8Keyframe, parseIvf } from "../src/publisher/ivf.ts";
import { parseOggOpus } from "../src/publisher/ogg.ts";

const DIR = fileURLToPath(new URL("../.cache/bench/", import.meta.url));
const VIDEO = `${DIR}vp8-1280x720p30-2500k.ivf`;
const AUDIO = `${DIR}opus-64k-20ms.opus`;
const SECONDS = 10;
const FPS = 30;

export class NoFfmpegError extends Error {
  override name = "NoFfmpegError";
}

function ffmpeg(args: string[], out: string): void {
  // Written beside and renamed: an interrupted run never leaves a half clip in the cache.
  const partial = `${out}.partial`;
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, partial], { stdio: ["ignore", "ignore", "inherit"] });
  renameSync(partial, out);
}

/** Makes the clips if they are not cached yet. Throws NoFfmpegError when ffmpeg is missing. */
export function ensureBenchMedia(): void {
  if (existsSync(VIDEO) && existsSync(AUDIO)) return;
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
  } catch {
    throw new NoFfmpegError("ffmpeg is missing: the bench needs it once to make its 720p clip (bash scripts/provision.sh)");
  }
  mkdirSync(DIR, { recursive: true });
  // 2 s GOP as in notes/werift.md §4; error-resilient, no alt-ref: what a WebRTC encoder sends.
  ffmpeg(["-f", "lavfi", "-i", `testsrc2=size=1280x720:rate=${FPS}:duration=${SECONDS}`, "-an",
    "-c:v", "libvpx", "-b:v", "2500k", "-minrate", "2500k", "-maxrate", "2500k", "-bufsize", "500k", "-g", "60", "-keyint_min", "60",
    "-deadline", "good", "-cpu-used", "4", "-lag-in-frames", "0", "-auto-alt-ref", "0", "-error-resilient", "1", "-f", "ivf"], VIDEO);
  ffmpeg(["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`, "-ac", "2",
    "-c:a", "libopus", "-b:a", "64k", "-vbr", "off", "-frame_duration", "20", "-f", "ogg"], AUDIO);
}

/** The two clips, for `startPublisher({ clips })`. */
export function benchClips(): Clip[] {
  const ivf = parseIvf(readFileSync(VIDEO));
  const video: Clip = {
    kind: "video", codec: "vp8", clockRate: 90_000, frameTicks: 90_000 / FPS, width: ivf.width, height: ivf.height,
    frames: ivf.frames.map((data) => ({ data, keyframe: isVp8Keyframe(data) })),
  };
  const opus = parseOggOpus(readFileSync(AUDIO));
  const audio: Clip = { kind: "audio", codec: "opus", clockRate: 48_000, frameTicks: 960, frames: opus.packets.map((data) => ({ data, keyframe: true })) };
  return [video, audio];
}
