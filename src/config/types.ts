/**
 * Typed, frozen configuration shared by the roles. Parsing (flags, env) lives beside it in
 * config/ and in each role's own args parser; components receive these objects and never read
 * `process.env`.
 */
import type { SubjectScope } from "../bus/subjects.ts";
import type { Dialect } from "../protocol/defaults.ts";

export const DEFAULT_SERVER = "wss://wss.vdo.ninja:443";
/** Segment length when `--segment` is not given. @default 0 = one file per connection */
export const DEFAULT_SEGMENT_SECONDS = 0;

export interface RoomSettings {
  /** Room name as the user typed it (sanitized later by protocol/). */
  readonly room: string;
  /** As the user typed it; `false` disables hashing and encryption (spec §3.2). */
  readonly password: string | false;
  readonly salt: string;
  /** Handshake server URL, ws:// or wss://. */
  readonly server: string;
  readonly dialect: Dialect;
}

export interface IceServerConfig {
  readonly urls: string;
  readonly username?: string;
  readonly credential?: string;
}

export interface IceSettings {
  readonly iceServers: readonly IceServerConfig[];
  readonly relayOnly: boolean;
  /**
   * Host UDP sockets bind in [min, max] (werift `icePortRange`): for a firewall that opens one
   * range, with `hostNetwork` pods or a node's 1:1 NAT. @default any port
   */
  readonly portRange?: readonly [number, number];
  /**
   * Extra host candidates with these addresses (werift `iceAdditionalHostAddresses`), e.g. the
   * public IP a 1:1 NAT maps to this host; the socket is the same, the port too. @default none
   */
  readonly additionalHostAddresses?: readonly string[];
}

export interface OutputSettings {
  /** Root output directory; files land under `<outDir>/<room>/<stream>/`. */
  readonly outDir: string;
  /** Rotate at the first keyframe after this many seconds; 0 = never. */
  readonly segmentSeconds: number;
  /** Rotate at the first keyframe after this many bytes; 0 = never. */
  readonly segmentBytes: number;
  /** Stop recording a stream after this many seconds; 0 = unlimited. */
  readonly maxDurationSeconds: number;
}

/** Everything one stream worker needs. The password travels separately (env), never in argv. */
export interface WorkerConfig {
  readonly scope: SubjectScope;
  readonly stream: { readonly key: string; readonly streamId: string; readonly label?: string };
  /** Directory name of the room under outDir (safe token of the room name). */
  readonly roomDir: string;
  /** As typed, like `RoomSettings.password`: the worker normalizes it (URI-encoding happens once). */
  readonly password: string | false;
  readonly salt: string;
  readonly ice: IceSettings;
  readonly output: OutputSettings;
  /** Video codec to list first in our answer (the browser publisher sends what we list first). */
  readonly preferCodec?: "vp8" | "vp9" | "av1" | "h264";
  /** Ask for and record screen-share tracks too. */
  readonly screenShare: boolean;
  /** Finalize when no media arrived for this long. @default 10000 */
  readonly inactivityMs: number;
}

export interface StreamFilters {
  /** Base stream ids to record; empty = all. */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}
