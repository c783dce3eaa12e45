/**
 * What an official-dialect server sends (spec §2.3), and the one entry point a signaler needs for
 * a socket frame: a server event when it has `request`, else a directed peer message (§2.1).
 */
import {
  attempt, expectId, expectObject, expectText, Invalid, LIMITS, optionalBoolean, optionalId, optionalText,
  type Json, type Parsed,
} from "./fields.ts";
import { parsePeerMessage, type PeerMessage } from "./peerMessages.ts";

export interface RoomMember {
  readonly UUID: string;
  /** Wire form; present only for members that have seeded. */
  readonly streamID?: string;
}

export type ServerMessage =
  /** Reply to joinroom: the members before us; `claim` only if we claimed (we never do). */
  | { readonly kind: "listing"; readonly list: readonly RoomMember[]; readonly director?: string; readonly claim?: boolean }
  /** We were migrated: treat as a fresh listing. */
  | { readonly kind: "transferred"; readonly list: readonly RoomMember[]; readonly director?: string }
  | { readonly kind: "someonejoined"; readonly UUID: string; readonly streamID?: string; readonly director: boolean }
  | { readonly kind: "videoaddedtoroom"; readonly UUID: string; readonly streamID: string }
  /** "Offer to UUID": for publishers; a recorder ignores it (spec §8.1). */
  | { readonly kind: "offerSDP"; readonly UUID: string }
  | { readonly kind: "alert" | "warn" | "error"; readonly message: string; readonly code?: string }
  /** Obsolete since v17.3. */
  | { readonly kind: "roomclaimed"; readonly director?: string }
  /** No public server sends it; clients treat it like `bye` for that peer (spec §2.3). */
  | { readonly kind: "cleanup"; readonly UUID?: string }
  /** Fan-out dialect only (spec §2.7): another peer's broadcast, sender in `UUID` after `fromWire`. */
  | { readonly kind: "joinroom"; readonly UUID: string; readonly streamID?: string }
  | { readonly kind: "seed" | "play"; readonly UUID: string; readonly streamID: string }
  /** A `request` we do not know: the caller logs it at debug. */
  | { readonly kind: "unknown"; readonly request: string };

export type SocketMessage = { readonly from: "server"; readonly msg: ServerMessage } | { readonly from: "peer"; readonly msg: PeerMessage };

const MAX_REQUEST_NAME_CHARS = 64;

function parseMembers(v: unknown): readonly RoomMember[] {
  if (!Array.isArray(v)) throw new Invalid("list is not an array");
  if (v.length > LIMITS.listMembers) throw new Invalid(`list has more than ${LIMITS.listMembers} members`);
  return v.map((entry, i) => {
    const e = expectObject(entry, `list[${i}]`);
    const UUID = expectId(e.UUID, `list[${i}].UUID`);
    const streamID = optionalId(e.streamID, `list[${i}].streamID`);
    return streamID === undefined ? { UUID } : { UUID, streamID };
  });
}

function withOptional<T extends object, K extends string, V>(base: T, key: K, value: V | undefined): T & Partial<Record<K, V>> {
  return value === undefined ? base : { ...base, [key]: value };
}

function parseServerBody(m: Json, request: string): ServerMessage {
  switch (request) {
    case "listing": {
      const base = { kind: "listing" as const, list: parseMembers(m.list) };
      return withOptional(withOptional(base, "director", optionalId(m.director, "director")), "claim", optionalBoolean(m.claim, "claim"));
    }
    case "transferred":
      return withOptional({ kind: "transferred" as const, list: parseMembers(m.list) }, "director", optionalId(m.director, "director"));
    case "someonejoined":
      return withOptional(
        { kind: "someonejoined" as const, UUID: expectId(m.UUID, "UUID"), director: m.director === true },
        "streamID", optionalId(m.streamID, "streamID"),
      );
    case "videoaddedtoroom":
      return { kind: "videoaddedtoroom", UUID: expectId(m.UUID, "UUID"), streamID: expectId(m.streamID, "streamID") };
    case "offerSDP":
      return { kind: "offerSDP", UUID: expectId(m.UUID, "UUID") };
    case "alert":
    case "warn":
    case "error":
      return withOptional(
        { kind: request, message: m.message === undefined ? "" : expectText(m.message, "message", LIMITS.textChars) },
        "code", optionalText(m.code, "code", MAX_REQUEST_NAME_CHARS),
      );
    case "roomclaimed":
      return withOptional({ kind: "roomclaimed" as const }, "director", optionalId(m.director, "director"));
    case "cleanup":
      return withOptional({ kind: "cleanup" as const }, "UUID", optionalId(m.UUID, "UUID"));
    case "joinroom":
      return withOptional({ kind: "joinroom" as const, UUID: expectId(m.UUID, "UUID") }, "streamID", optionalId(m.streamID, "streamID"));
    case "seed":
    case "play":
      return { kind: request, UUID: expectId(m.UUID, "UUID"), streamID: expectId(m.streamID, "streamID") };
    default:
      return { kind: "unknown", request: request.slice(0, MAX_REQUEST_NAME_CHARS) };
  }
}

/** A server event (frame with `request`). Never throws. */
export function parseServerMessage(value: unknown): Parsed<ServerMessage> {
  return attempt(() => {
    const m = expectObject(value, "message");
    if (typeof m.request !== "string") throw new Invalid("request is not a string");
    return parseServerBody(m, m.request);
  });
}

/** Any frame from an official-dialect socket (after `fromWire` in the fan-out dialect). Never throws. */
export function parseSocketMessage(value: unknown): Parsed<SocketMessage> {
  const isRequest = typeof value === "object" && value !== null && "request" in value;
  if (isRequest) {
    const r = parseServerMessage(value);
    return r.ok ? { ok: true, msg: { from: "server", msg: r.msg } } : r;
  }
  const p = parsePeerMessage(value, { requireUUID: true });
  return p.ok ? { ok: true, msg: { from: "peer", msg: p.msg } } : p;
}
