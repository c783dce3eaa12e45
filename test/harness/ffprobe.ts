/**
 * Typed ffprobe/ffmpeg checks on recorded files (Debian `ffmpeg`, installed by
 * scripts/provision.sh). Every helper runs the real binaries; nothing is parsed by hand.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

export interface ProbedStream {
  readonly index: number;
  readonly type: "video" | "audio" | "other";
  /** ffprobe's codec_name: vp8, h264, opus, … */
  readonly codec: string;
  readonly profile?: string;
  readonly width?: number;
  readonly height?: number;
  readonly sampleRate?: number;
  readonly channels?: number;
}

export interface Probe {
  readonly formatName: string;
  /** Container duration in seconds (NaN when the container does not say). */
  readonly durationSec: number;
  readonly sizeBytes: number;
  readonly streams: readonly ProbedStream[];
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; size?: string };
  streams?: { index: number; codec_type?: string; codec_name?: string; profile?: string; width?: number; height?: number; sample_rate?: string; channels?: number }[];
}

export async function probe(file: string): Promise<Probe> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], { maxBuffer: MAX_OUTPUT });
  const raw = JSON.parse(stdout) as RawProbe;
  return {
    formatName: raw.format?.format_name ?? "",
    durationSec: Number(raw.format?.duration ?? Number.NaN),
    sizeBytes: Number(raw.format?.size ?? 0),
    streams: (raw.streams ?? []).map((s) => ({
      index: s.index,
      type: s.codec_type === "video" || s.codec_type === "audio" ? s.codec_type : "other",
      codec: s.codec_name ?? "",
      ...(s.profile !== undefined ? { profile: s.profile } : {}),
      ...(s.width !== undefined ? { width: s.width } : {}),
      ...(s.height !== undefined ? { height: s.height } : {}),
      ...(s.sample_rate !== undefined ? { sampleRate: Number(s.sample_rate) } : {}),
      ...(s.channels !== undefined ? { channels: s.channels } : {}),
    })),
  };
}

/**
 * What `ffmpeg -v error -i file -f null -` prints: empty for a file that decodes cleanly.
 * `-enc_time_base:v -1` keeps the file's own time base on the null output: otherwise ffmpeg
 * re-times video at its guessed frame rate and reports "non monotonically increasing dts" for
 * frames 66/67 ms apart from a real-time 15 fps source (GStreamer webrtcbin), a false positive.
 */
export async function decodeErrors(file: string): Promise<string> {
  const args = ["-nostdin", "-hide_banner", "-v", "error", "-i", file, "-enc_time_base:v", "-1", "-f", "null", "-"];
  const { stderr } = await run("ffmpeg", args, { maxBuffer: MAX_OUTPUT });
  return stderr.trim();
}

/** Decoded frames of the first stream of `type` (ffprobe -count_frames). */
export async function countFrames(file: string, type: "video" | "audio"): Promise<number> {
  const select = type === "video" ? "v:0" : "a:0";
  const { stdout } = await run(
    "ffprobe",
    ["-v", "error", "-select_streams", select, "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file],
    { maxBuffer: MAX_OUTPUT },
  );
  return Number(stdout.trim());
}

/**
 * Span of the packets of one stream, first to last pts + duration, in seconds: the media
 * actually in the file, independent of what the container header claims.
 */
export async function mediaSpan(file: string, type: "video" | "audio"): Promise<number> {
  const select = type === "video" ? "v:0" : "a:0";
  const { stdout } = await run(
    "ffprobe",
    ["-v", "error", "-select_streams", select, "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", file],
    { maxBuffer: MAX_OUTPUT },
  );
  const rows = stdout.trim().split("\n").map((l) => l.split(",").map(Number)).filter((r) => Number.isFinite(r[0]));
  if (rows.length === 0) return 0;
  const first = Math.min(...rows.map((r) => r[0]!));
  const last = rows.reduce((m, r) => Math.max(m, r[0]! + (Number.isFinite(r[1]) ? r[1]! : 0)), 0);
  return last - first;
}
