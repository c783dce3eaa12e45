import { av1 } from "./av1.ts";
import { h264 } from "./h264.ts";
import type { VideoCodecModule } from "./types.ts";
import { vp8 } from "./vp8.ts";
import { vp9 } from "./vp9.ts";

/** Video codecs the recorder can mux; the others are refused at addTrack. */
export const VIDEO_CODECS: Partial<Record<string, VideoCodecModule>> = { vp8, vp9, av1, h264 };
