/**
 * Directed peer messages (spec §2.4) and data-channel messages (spec §4.3–§4.5): one union for
 * both transports, so one dispatcher handles an offer whether it came over the socket or the DC.
 * On the socket the server has set `UUID` to the sender; on the DC it is usually absent.
 */
import type { EncryptedField } from "./crypto.ts";
import {
  attempt, expectId, expectObject, expectText, Invalid, isObject, LIMITS, optionalBoolean, optionalFiniteNumber, optionalId, optionalText,
  type Json, type Parsed,
} from "./fields.ts";

export type SdpType = "offer" | "answer" | "pranswer" | "rollback";
export interface SessionDescription {
  readonly type: SdpType;
  readonly sdp: string;
}
export interface IceCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}
/** `local` = publisher → viewer, `remote` = viewer → publisher (spec §2.4). */
export type IceDirection = "local" | "remote";
/** A payload field as received: plain, or hex ciphertext whose IV is the message's `vector`. */
export type Sealed<T> = T | EncryptedField;

export interface PeerFields {
  /** Sender on the socket (server-rewritten); usually absent on the data channel. */
  readonly UUID?: string;
  /** Publisher-chosen connection id; Raspberry.Ninja sends `null`: keep it and echo it (Appendix C). */
  readonly session?: string | null;
  readonly streamID?: string;
}

export type PeerBody =
  | { readonly kind: "description"; readonly description: Sealed<SessionDescription>; readonly screen?: readonly number[] }
  | { readonly kind: "candidates"; readonly direction?: IceDirection; readonly candidates: Sealed<readonly IceCandidate[]> }
  /** Legacy single-candidate form; `decodePeerPayload` folds it into `candidates`. */
  | { readonly kind: "candidate"; readonly direction?: IceDirection; readonly candidate: Sealed<IceCandidate> }
  | { readonly kind: "bye" }
  | { readonly kind: "hangup" }
  | { readonly kind: "cleanup" }
  | { readonly kind: "iceRestartRequest" }
  | { readonly kind: "ping"; readonly value: unknown }
  | { readonly kind: "pong"; readonly value: unknown }
  /** The viewer's media request (spec §4.2); the publisher adds tracks on `audio`/`video`. */
  | { readonly kind: "settings"; readonly audio: boolean; readonly video: boolean; readonly screenVideo: boolean; readonly screenAudio: boolean; readonly label?: string }
  /** Publisher's `info`/`miniInfo` on DC open (spec §4.3); only `label` is interpreted. */
  | { readonly kind: "info"; readonly label?: string; readonly info: Json }
  | { readonly kind: "keyframe" }
  | { readonly kind: "bitrate"; readonly video?: number; readonly audio?: number }
  | { readonly kind: "videoMuted"; readonly muted: boolean }
  | { readonly kind: "virtualHangup" }
  /** Anything else (director/UI traffic): callers log the keys at debug and ignore it. */
  | { readonly kind: "unknown"; readonly keys: readonly string[] };

export type PeerMessage = PeerFields & PeerBody;
export type PeerKind = PeerBody["kind"];

const SDP_TYPES: ReadonlySet<string> = new Set(["offer", "answer", "pranswer", "rollback"]);
const MAX_PING_VALUE_CHARS = 256;
const MAX_UNKNOWN_KEYS = 20;
const MAX_INFO_JSON_CHARS = 50_000;

export function parseSessionDescription(v: unknown): SessionDescription {
  const o = expectObject(v, "description");
  if (typeof o.type !== "string" || !SDP_TYPES.has(o.type)) throw new Invalid("description.type is not offer/answer/pranswer/rollback");
  const sdp = o.type === "rollback" && o.sdp === undefined ? "" : expectText(o.sdp, "description.sdp", LIMITS.sdpChars);
  return { type: o.type as SdpType, sdp };
}

export function parseIceCandidate(v: unknown): IceCandidate {
  const o = expectObject(v, "candidate");
  const candidate = expectText(o.candidate, "candidate.candidate", LIMITS.candidateChars);
  const mid = o.sdpMid;
  if (mid !== undefined && mid !== null) expectText(mid, "candidate.sdpMid", LIMITS.idChars);
  const index = o.sdpMLineIndex;
  if (index !== undefined && index !== null && !(Number.isInteger(index) && (index as number) >= 0 && (index as number) < 1024)) {
    throw new Invalid("candidate.sdpMLineIndex is not a small non-negative integer");
  }
  const ufrag = o.usernameFragment;
  if (ufrag !== undefined && ufrag !== null) expectText(ufrag, "candidate.usernameFragment", LIMITS.idChars);
  return {
    candidate,
    ...(mid !== undefined ? { sdpMid: mid as string | null } : {}),
    ...(index !== undefined ? { sdpMLineIndex: index as number | null } : {}),
    ...(ufrag !== undefined ? { usernameFragment: ufrag as string | null } : {}),
  };
}

export function parseIceCandidates(v: unknown): readonly IceCandidate[] {
  if (!Array.isArray(v)) throw new Invalid("candidates is not an array");
  if (v.length > LIMITS.candidates) throw new Invalid(`more than ${LIMITS.candidates} candidates`);
  return v.map(parseIceCandidate);
}

/** Hex ciphertext + the message's `vector`, or undefined when the field is plaintext. */
function sealedField(m: Json, field: string): EncryptedField | undefined {
  const value = m[field];
  if (typeof value !== "string") {
    if (m.vector !== undefined) throw new Invalid(`${field} is plaintext but vector is present`);
    return undefined;
  }
  const data = expectText(value, field, LIMITS.encryptedHexChars);
  const vector = expectText(m.vector, "vector", 64);
  return { data, vector };
}

function parseDirection(v: unknown): IceDirection | undefined {
  if (v === undefined) return undefined;
  if (v === "local" || v === "remote") return v;
  throw new Invalid("type is not local/remote");
}

function parseSession(v: unknown): string | null | undefined {
  return v === null ? null : optionalId(v, "session");
}

function parseScreen(v: unknown): readonly number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > LIMITS.screenIndexes || !v.every((i) => Number.isInteger(i) && i >= 0 && i < 1024)) {
    throw new Invalid("screen is not a short list of sender indexes");
  }
  return v as number[];
}

/** Ping values are echoed verbatim: accept small JSON scalars only. */
function parsePingValue(v: unknown, what: string): unknown {
  if (v === null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) return v;
  if (typeof v === "string" && v.length <= MAX_PING_VALUE_CHARS) return v;
  throw new Invalid(`${what} is not a small scalar`);
}

function labelOf(info: unknown): string | undefined {
  return isObject(info) ? optionalText(info.label, "info.label", LIMITS.labelChars) : undefined;
}

function parseBody(m: Json): PeerBody {
  if (m.description !== undefined) {
    const sealed = sealedField(m, "description");
    const screen = parseScreen(m.screen);
    return { kind: "description", description: sealed ?? parseSessionDescription(m.description), ...(screen ? { screen } : {}) };
  }
  if (m.candidates !== undefined) {
    const direction = parseDirection(m.type);
    const sealed = sealedField(m, "candidates");
    return { kind: "candidates", ...(direction ? { direction } : {}), candidates: sealed ?? parseIceCandidates(m.candidates) };
  }
  if (m.candidate !== undefined) {
    const direction = parseDirection(m.type);
    const sealed = sealedField(m, "candidate");
    return { kind: "candidate", ...(direction ? { direction } : {}), candidate: sealed ?? parseIceCandidate(m.candidate) };
  }
  if (m.bye) return { kind: "bye" };
  if (m.hangup) return { kind: "hangup" };
  if (m.cleanup) return { kind: "cleanup" };
  if (m.iceRestartRequest) return { kind: "iceRestartRequest" };
  if ("ping" in m) return { kind: "ping", value: parsePingValue(m.ping, "ping") };
  if ("pong" in m) return { kind: "pong", value: parsePingValue(m.pong, "pong") };
  if ("audio" in m || "video" in m) {
    const label = labelOf(m.info);
    // Truthiness, as the browser reads these (its own viewer sends `allowchunked:1`, spec Appendix C).
    return {
      kind: "settings", audio: Boolean(m.audio), video: Boolean(m.video),
      screenVideo: Boolean(m.allowscreenvideo), screenAudio: Boolean(m.allowscreenaudio), ...(label !== undefined ? { label } : {}),
    };
  }
  if (m.info !== undefined || m.miniInfo !== undefined) {
    const info = expectObject(m.info ?? m.miniInfo, "info");
    if (JSON.stringify(info).length > MAX_INFO_JSON_CHARS) throw new Invalid(`info is larger than ${MAX_INFO_JSON_CHARS} chars`);
    const label = labelOf(info);
    return { kind: "info", info, ...(label !== undefined ? { label } : {}) };
  }
  if (m.keyframe) return { kind: "keyframe" };
  if (m.bitrate !== undefined || m.audioBitrate !== undefined) {
    const video = optionalFiniteNumber(m.bitrate, "bitrate");
    const audio = optionalFiniteNumber(m.audioBitrate, "audioBitrate");
    return { kind: "bitrate", ...(video !== undefined ? { video } : {}), ...(audio !== undefined ? { audio } : {}) };
  }
  if (m.virtualHangup) return { kind: "virtualHangup" };
  if (m.videoMuted !== undefined) return { kind: "videoMuted", muted: optionalBoolean(m.videoMuted, "videoMuted") ?? false };
  return { kind: "unknown", keys: Object.keys(m).slice(0, MAX_UNKNOWN_KEYS) };
}

export interface PeerParseOptions {
  /** Socket messages must name their peer (spec §2.1); data-channel ones need not. */
  readonly requireUUID: boolean;
}

/** Validates one directed/DC message (already JSON-parsed). Never throws. */
export function parsePeerMessage(value: unknown, opts: PeerParseOptions): Parsed<PeerMessage> {
  return attempt(() => {
    const m = expectObject(value, "message");
    if (m.request !== undefined) throw new Invalid("a server request is not a peer message");
    const UUID = opts.requireUUID ? expectId(m.UUID, "UUID") : optionalId(m.UUID, "UUID");
    const session = parseSession(m.session);
    const streamID = optionalId(m.streamID, "streamID");
    return {
      ...(UUID !== undefined ? { UUID } : {}),
      ...(session !== undefined ? { session } : {}),
      ...(streamID !== undefined ? { streamID } : {}),
      ...parseBody(m),
    };
  });
}
