import { isSubjectToken } from "./subjects.ts";

/**
 * What travels on the bus, as discriminated unions (one per subject family). Each message is
 * validated by the `parse*` functions at the receiving edge; anything else is dropped and
 * logged by the caller, never thrown into the media path.
 */

/** One publisher's stream, as the signaler learned it from the handshake server. */
export interface StreamInfo {
  /** `streamKey(streamId)`: safe for subjects and paths. */
  readonly key: string;
  /** Base (unhashed) stream id, as the publisher chose it. */
  readonly streamId: string;
  /** The id on the socket (base[0:44] + hash6 when a password is active). */
  readonly wireId: string;
  /** The publisher's peer id (server UUID, or `from` in the fan-out dialect). */
  readonly uuid: string;
  readonly label?: string;
}

export const SignalingState = { connected: "connected", disconnected: "disconnected" } as const;
export type SignalingState = (typeof SignalingState)[keyof typeof SignalingState];

export type RosterEvent =
  | { readonly type: "joined"; readonly stream: StreamInfo }
  | { readonly type: "left"; readonly key: string; readonly uuid: string; readonly reason: string }
  | { readonly type: "signaling"; readonly state: SignalingState; readonly reconnects: number }
  /** Reply to `roster.get`, and published after every (re)connect of the signaler. */
  | { readonly type: "snapshot"; readonly streams: readonly StreamInfo[]; readonly signaling: SignalingState };

/** Why a worker's connection ended: decides whether the supervisor restarts it. */
export const EndReason = {
  /** Publisher said `bye` (data channel or socket). The stream left. */
  bye: "bye",
  /**
   * Peer connection failed/closed or no media for the inactivity timeout, and asking for the
   * stream again (stream-worker/lossPolicy.ts) brought no lasting connection. The stream left.
   */
  peerLost: "peer-lost",
  /** The same stream id reappeared under another peer: this connection is obsolete. */
  superseded: "superseded",
  /** Stopped by the supervisor (shutdown, filter change, pause). */
  stopped: "stopped",
  /** `--max-duration` reached. */
  maxDuration: "max-duration",
  /** Another worker already records this stream. */
  duplicate: "duplicate",
  /**
   * The publisher kept offering but no ICE candidate pair ever connected (the last heartbeat
   * names the cause: `iceFailure`). She is still in the room: the stream stays, and the
   * supervisor or operator starts a new worker after a backoff (exit code 4, exitPolicy.ts).
   */
  iceFailed: "ice-failed",
  /** Unrecoverable error (config, disk gone, …). The supervisor may retry with backoff. */
  error: "error",
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

/** A stream "left" for these reasons; the others end the worker while the stream stays. */
export const LEAVING_REASONS: ReadonlySet<EndReason> = new Set([EndReason.bye, EndReason.peerLost]);

export type ToWorker =
  /** A handshake message from the publisher, as received from the server (maybe encrypted). */
  | { readonly type: "peer"; readonly uuid: string; readonly payload: Record<string, unknown> }
  /** The signaler (re)connected: say `ready` again if still waiting for an offer. */
  | { readonly type: "hello" }
  | { readonly type: "stop"; readonly reason: EndReason };

export type FromWorker =
  /**
   * Subscribed and waiting: the signaler may `play` now. `instance` is unique per process.
   * `rearm` counts the times this worker asked for the stream again after a lost connection
   * (absent = 0): a higher value than the last one seen is a new request for `play`, an equal
   * one a repeat (the answer to `hello`).
   */
  | { readonly type: "ready"; readonly key: string; readonly instance: string; readonly rearm?: number }
  /** Send this handshake message to peer `uuid` through the server (already encrypted). */
  | { readonly type: "peer"; readonly uuid: string; readonly payload: Record<string, unknown> }
  | { readonly type: "connected"; readonly key: string; readonly instance: string; readonly uuid: string }
  | { readonly type: "ended"; readonly key: string; readonly instance: string; readonly uuid?: string; readonly reason: EndReason };

export const WorkerState = {
  starting: "starting",
  waiting: "waiting",
  connecting: "connecting",
  recording: "recording",
  stalled: "stalled",
  /** The connection was lost; the worker asks for the stream again (lossPolicy.ts). */
  reconnecting: "reconnecting",
  diskError: "disk-error",
  ending: "ending",
} as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/** Why no ICE candidate pair succeeded (classified by stream-worker/iceFailure.ts, issue 12). */
export const IceFailureCause = {
  /** TURN configured, no relay candidate gathered, the server did not answer (down, blocked, wrong address). */
  turnUnreachable: "turn-unreachable",
  /** TURN configured, no relay candidate gathered, the server refused our credentials (401/441). */
  turnAuth: "turn-auth",
  /** Candidates were there (relay too, if configured) but no pair passed its checks in time. */
  timeout: "timeout",
} as const;
export type IceFailureCause = (typeof IceFailureCause)[keyof typeof IceFailureCause];

export interface IceFailure {
  readonly cause: IceFailureCause;
  /** One line for logs, the heartbeat and the operator's Event; never a credential. */
  readonly detail: string;
}

/** RFC 8445 candidate types; `prflx` is a remote address learned from a check. */
export type CandidateType = "host" | "srflx" | "prflx" | "relay";

/** The ICE pair that carries the media, from the worker's side (local = the recorder). */
export interface SelectedPair {
  readonly local: CandidateType;
  readonly remote: CandidateType;
  /** Transport of the pair itself (a relayed pair is UDP between coturn and the peer). */
  readonly protocol: string;
  /** `ip:port` of both ends, to tell in logs which interface or relay was used. */
  readonly localAddress: string;
  readonly remoteAddress: string;
}

/** Published on `status` about once a second. */
export interface Heartbeat {
  readonly type: "heartbeat";
  readonly key: string;
  readonly instance: string;
  readonly state: WorkerState;
  readonly uuid?: string;
  readonly label?: string;
  readonly videoCodec?: string;
  readonly audioCodec?: string;
  readonly width?: number;
  readonly height?: number;
  readonly bitrateKbps: number;
  readonly bytesWritten: number;
  readonly framesWritten: number;
  readonly segments: number;
  readonly file?: string;
  readonly durationSec: number;
  /** Wall-clock ms of the last media packet. */
  readonly lastMediaAt?: number;
  readonly packetsLost: number;
  readonly nacks: number;
  readonly plis: number;
  readonly error?: string;
  /** The ICE pair carrying the media (stream-worker/iceFailure.ts), while connected. */
  readonly icePair?: SelectedPair;
  /** Why the last connection attempt found no ICE pair; kept until a connection succeeds. */
  readonly iceFailure?: IceFailure;
}

const isKey = (v: unknown): v is string => typeof v === "string" && isSubjectToken(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 4096): v is string => typeof v === "string" && v.length > 0 && v.length <= max;
const END_REASONS = new Set<string>(Object.values(EndReason));
const isReason = (v: unknown): v is EndReason => typeof v === "string" && END_REASONS.has(v);

export function parseStreamInfo(v: unknown): StreamInfo | undefined {
  if (!isObj(v) || !isKey(v.key) || !isStr(v.streamId) || !isStr(v.wireId) || !isStr(v.uuid, 256)) return undefined;
  if (v.label !== undefined && typeof v.label !== "string") return undefined;
  return { key: v.key, streamId: v.streamId, wireId: v.wireId, uuid: v.uuid, ...(v.label !== undefined ? { label: v.label as string } : {}) };
}

export function parseRosterEvent(v: unknown): RosterEvent | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case "joined": {
      const stream = parseStreamInfo(v.stream);
      return stream && { type: "joined", stream };
    }
    case "left":
      return isKey(v.key) && isStr(v.uuid, 256) && typeof v.reason === "string"
        ? { type: "left", key: v.key, uuid: v.uuid, reason: v.reason }
        : undefined;
    case "signaling":
      return (v.state === "connected" || v.state === "disconnected") && typeof v.reconnects === "number"
        ? { type: "signaling", state: v.state, reconnects: v.reconnects }
        : undefined;
    case "snapshot": {
      if (!Array.isArray(v.streams) || (v.signaling !== "connected" && v.signaling !== "disconnected")) return undefined;
      const streams = v.streams.map(parseStreamInfo);
      if (streams.some((s) => s === undefined)) return undefined;
      return { type: "snapshot", streams: streams as StreamInfo[], signaling: v.signaling };
    }
    default:
      return undefined;
  }
}

export function parseToWorker(v: unknown): ToWorker | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case "peer":
      return isStr(v.uuid, 256) && isObj(v.payload) ? { type: "peer", uuid: v.uuid, payload: v.payload } : undefined;
    case "hello":
      return { type: "hello" };
    case "stop":
      return isReason(v.reason) ? { type: "stop", reason: v.reason } : undefined;
    default:
      return undefined;
  }
}

export function parseFromWorker(v: unknown): FromWorker | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case "ready": {
      if (!isKey(v.key) || !isStr(v.instance, 128)) return undefined;
      if (v.rearm === undefined) return { type: "ready", key: v.key, instance: v.instance };
      return Number.isSafeInteger(v.rearm) && (v.rearm as number) >= 0 ? { type: "ready", key: v.key, instance: v.instance, rearm: v.rearm as number } : undefined;
    }
    case "peer":
      return isStr(v.uuid, 256) && isObj(v.payload) ? { type: "peer", uuid: v.uuid, payload: v.payload } : undefined;
    case "connected":
      return isKey(v.key) && isStr(v.instance, 128) && isStr(v.uuid, 256)
        ? { type: "connected", key: v.key, instance: v.instance, uuid: v.uuid }
        : undefined;
    case "ended":
      return isKey(v.key) && isStr(v.instance, 128) && isReason(v.reason) && (v.uuid === undefined || isStr(v.uuid, 256))
        ? { type: "ended", key: v.key, instance: v.instance, reason: v.reason, ...(v.uuid !== undefined ? { uuid: v.uuid as string } : {}) }
        : undefined;
    default:
      return undefined;
  }
}

export function parseHeartbeat(v: unknown): Heartbeat | undefined {
  if (!isObj(v) || v.type !== "heartbeat" || !isKey(v.key) || !isStr(v.instance, 128) || typeof v.state !== "string") return undefined;
  for (const n of ["bitrateKbps", "bytesWritten", "framesWritten", "segments", "durationSec", "packetsLost", "nacks", "plis"]) {
    if (typeof v[n] !== "number") return undefined;
  }
  return v as unknown as Heartbeat;
}
