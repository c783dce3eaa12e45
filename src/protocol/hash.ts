/** Room and stream ids on the wire (spec §3.4). Passwords here are already normalized. */
import { createHash } from "node:crypto";
import { sanitizeRoom } from "./sanitize.ts";

export const STREAM_HASH_CHARS = 6;
/** The browser cuts the base id to 44 chars before appending the hash (spec §3.4). */
export const WIRE_BASE_CHARS = 44;
const ROOM_HASH_CHARS = 16;

/** First `n` lowercase hex chars of SHA-256 over the UTF-8 bytes of `s`. */
export function generateHash(s: string, n: number): string {
  return createHash("sha256").update(s, "utf8").digest("hex").slice(0, n);
}

/** 16 hex of SHA-256(room + password + salt); the sanitized room itself when the password is off. */
export function roomId(room: string, password: string | false, salt: string): string {
  const clean = sanitizeRoom(room);
  return password === false ? clean : generateHash(clean + password + salt, ROOM_HASH_CHARS);
}

/** The 6-hex suffix ("session.hash") appended to stream ids on the socket; "" when the password is off. */
export function streamHashSuffix(password: string | false, salt: string): string {
  return password === false ? "" : generateHash(password + salt, STREAM_HASH_CHARS);
}

/** base[0:44] + suffix when a password is active, else the base id (spec §3.4). */
export function wireStreamId(base: string, password: string | false, salt: string): string {
  return password === false ? base : base.slice(0, WIRE_BASE_CHARS) + streamHashSuffix(password, salt);
}

/**
 * The base id of a wire id: strip the suffix only when it matches ours (the SDK's rule, spec §3.4);
 * otherwise the id is returned unchanged (a peer without our password, or a plain DC id).
 */
export function baseStreamId(wire: string, password: string | false, salt: string): string {
  const suffix = streamHashSuffix(password, salt);
  if (suffix === "" || wire.length <= suffix.length || !wire.endsWith(suffix)) return wire;
  return wire.slice(0, -suffix.length);
}
